/**
 * npm run bench:scale -- [--ous N] [--accounts N] [--groups N] [--members N] [--permission-sets N]
 *                        [--parallelism N] [--stacks N] [--partitions aws-commercial,aws-govcloud] [--full]
 *
 * Builds an estate in the AWS emulator (an Organization per partition, groups created through the SCIM
 * endpoint with ExternalIds, as Entra would), then prints: synth time, apply throughput of the access
 * stacks in assignments per second beside the ceiling AWS's limits and the provider's waiter allow,
 * the time of a no-change plan, the API calls made, the access report's time and calls (local/bench/access.ts),
 * and what adding one group to one OU plans. --stacks N splits the groups' access over N access stacks per
 * partition (group g in <instance>-access-part-<g mod N + 1>), applied one after another as cdktf deploys
 * them (main.ts chains a partition's access stacks) and planned side by side, as the pull request's
 * per-stack diffs run.
 * Figures, not pass/fail. --full is the issue's size: 50 accounts in 10 OUs, 20 groups of 50 members,
 * 10 permission sets, 1,000 assignments per partition.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { loadConfig, rawConfig } from '../../config';
import { InstanceName } from '../../app-config/schema';
import { AwsEmulator } from '../emulators/aws';
import { SSO_ADMIN_LIMITS } from '../emulators/aws/account-assignments';
import { RequestCount } from '../emulators/aws/gateway';
import { activeAccountsUnder, buildOrganization, BuiltOrganization } from '../rehearsal/organization';
import { addedGroup, estateConfig, expectedAssignments, groupName, ouName, parseSize, Size, userName } from './estate';
import { IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../../scripts/clients/signed-json-client';
import { TerraformWorkspace } from '../harness/terraform-workspace';
import { accessStackName, accessStacks } from '../../app-model/stacks';
import { retry } from '../../scripts/retry';
import { accessReportFigures } from './access';

// The aws provider's create (internal/service/ssoadmin/account_assignment.go): ListAccountAssignments
// to refuse a duplicate, CreateAccountAssignment, DescribeAccountAssignmentCreationStatus first 10 s
// later (waitAccountAssignmentCreated: Delay 10 s, MinTimeout 5 s), then the read-back's
// ListAccountAssignments: a Terraform worker holds each assignment at least 10 s, and each takes at
// least 4 sso-admin calls.
const WAITER_FIRST_POLL_S = 10;
const SSO_ADMIN_CALLS_PER_ASSIGNMENT = 4;

/**
 * The most assignments a second one partition can get, the least of three bounds: Terraform's workers
 * (-parallelism; a partition's access stacks apply one after another) each held 10 s by the waiter; AWS's 15 outstanding requests, each outstanding
 * as long as AWS takes (the emulator's IN_PROGRESS time: AWS publishes none); sso-admin's 20 calls a
 * second over 4 calls per assignment.
 */
function ceilingOf(size: Size, inProgressS: number): { value: number; text: string } {
  const bounds = {
    [`-parallelism=${size.parallelism} / ${WAITER_FIRST_POLL_S} s waiter`]: size.parallelism / WAITER_FIRST_POLL_S,
    [`${SSO_ADMIN_LIMITS.outstanding} outstanding / ${inProgressS} s in progress`]: SSO_ADMIN_LIMITS.outstanding / inProgressS,
    [`${SSO_ADMIN_LIMITS.tps} calls a second / ${SSO_ADMIN_CALLS_PER_ASSIGNMENT} calls per assignment`]: SSO_ADMIN_LIMITS.tps / SSO_ADMIN_CALLS_PER_ASSIGNMENT,
  };
  const value = Math.min(...Object.values(bounds));
  return { value, text: `min(${Object.entries(bounds).map(([name, bound]) => `${name} = ${bound.toFixed(2)}`).join('; ')}) = ${value.toFixed(2)} assignments/s` };
}
const credentials = { accessKeyId: 'AKIABENCHSCALE', secretAccessKey: 'bench' };

/** Users and groups through the SCIM endpoint of a new provisioning tenant, each group with its members and an ExternalId. */
async function provisionBySCIM(emulator: AwsEmulator, region: string, size: Size, groups: number[]): Promise<void> {
  const aws = { region, credentials, endpoint: emulator.endpoint };
  const [instance] = (await new SSOAdminClient(aws).send(new ListInstancesCommand({}))).Instances!;
  const api = new SignedJsonClient(aws);
  const { ProvisioningTenants } = await api.call(IDENTITY_STORE_PROVISIONING, 'ListProvisioningTenants', { IdentityStoreId: instance.IdentityStoreId });
  const tenant = ProvisioningTenants[0] ?? (await api.call(IDENTITY_STORE_PROVISIONING, 'CreateProvisioningTenant', { IdentityStoreId: instance.IdentityStoreId })).ProvisioningTenant;
  const { BearerToken } = await api.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', { IdentityStoreId: instance.IdentityStoreId, TenantId: tenant.TenantId });
  // The estate is built at SCIM's documented rate: a 429 (25 writes per second) is waited out, as Entra does.
  const scim = (path: string, body: unknown) =>
    retry(
      async () => {
        const answer = await fetch(new URL(path, tenant.ScimEndpoint), { method: 'POST', headers: { authorization: `Bearer ${BearerToken.Token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
        const json = (await answer.json()) as any;
        if (answer.status === 409) return undefined;
        if (!answer.ok) throw Object.assign(new Error(`SCIM POST ${path}: ${answer.status} ${JSON.stringify(json)}`), { status: answer.status });
        return json;
      },
      { description: `SCIM accepts POST ${path}`, timeoutMs: 60_000, classify: (error) => ((error as { status?: number }).status === 429 ? { retry: true, afterMs: 1000 } : { retry: false }) },
    );
  const find = async (filter: string) => {
    const answer = await fetch(new URL(`Users?filter=${encodeURIComponent(filter)}`, tenant.ScimEndpoint), { headers: { authorization: `Bearer ${BearerToken.Token}` } });
    return ((await answer.json()) as any).Resources[0].id as string;
  };
  const memberIds: string[] = [];
  for (let u = 0; u < size.members; u += 1) {
    const name = userName(u);
    const created = await scim('Users', { userName: name, externalId: `entra-${name}`, displayName: name, name: { givenName: 'Bench', familyName: name }, active: true });
    memberIds.push(created?.id ?? (await find(`userName eq "${name}"`)));
  }
  for (const g of groups) await scim('Groups', { displayName: groupName(g), externalId: `entra-group-${g + 1}`, members: memberIds.map((value) => ({ value })) });
}

/** The wall time of planning `stacks` side by side (without `terraform show`), and each saved plan as JSON. */
async function timedPlans(workspace: TerraformWorkspace, stacks: string[], flags: string[]): Promise<[any[], number]> {
  const [, seconds] = await timed(() => Promise.all(stacks.map((stack) => workspace.run(stack, ['plan', '-input=false', '-out=plan.bin', ...flags]))));
  const plans = await Promise.all(stacks.map(async (stack) => JSON.parse((await workspace.run(stack, ['show', '-json', 'plan.bin'])).stdout)));
  return [plans, seconds];
}

/** `work` on each item, one after another. */
async function inOrder<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await work(item));
  return results;
}

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

/** Resource changes of a `terraform show -json` plan, by action. */
function planActions(plan: any): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const change of plan.resource_changes ?? []) {
    const action = change.change.actions.join('+');
    counts[action] = (counts[action] ?? 0) + 1;
  }
  return counts;
}

function callSummary(calls: RequestCount[]): string {
  const byOperation = new Map<string, number>();
  calls.forEach((c) => byOperation.set(`${c.service} ${c.operation}`, (byOperation.get(`${c.service} ${c.operation}`) ?? 0) + c.count));
  const total = [...byOperation.values()].reduce((a, b) => a + b, 0);
  return [`${total} calls`, ...[...byOperation].sort(([, a], [, b]) => b - a).slice(0, 8).map(([op, n]) => `    ${op} ×${n}`)].join('\n');
}

async function main(): Promise<void> {
  const size = parseSize(process.argv.slice(2));
  console.log(`scale benchmark: ${size.accounts} accounts in ${size.ous} OUs, ${size.groups} groups of ${size.members} members, ${size.permissionSets} permission sets, Terraform -parallelism=${size.parallelism}, partitions ${size.partitions.join(', ')}`);
  const emulator = await AwsEmulator.start();
  try {
    const organizations = new Map<InstanceName, BuiltOrganization>();
    for (const instance of size.partitions) {
      const client = new OrganizationsClient({ region: rawConfig.aws[instance].region, credentials, endpoint: emulator.endpoint });
      organizations.set(instance, await buildOrganization(client, { organizationalUnits: Array.from({ length: size.ous }, (_, k) => ouName(k)), accounts: size.accounts, suspended: 0 }));
    }
    const config = estateConfig(size, organizations);
    const [workspace, synthSeconds] = await timed(() => TerraformWorkspace.create(emulator.endpoint, config));
    console.log(`synth of all stacks in-process (buildApp + synth, no CLI start-up): ${synthSeconds.toFixed(1)} s`);
    const validated = loadConfig(config);
    const stacksOf = (instance: InstanceName) => accessStacks(validated, instance).filter((s) => s.entries.length > 0).map((s) => s.name);
    const planFlags = [`-parallelism=${size.parallelism}`];
    await Promise.all(size.partitions.map(async (instance) => {
      await workspace.init(instance);
      await workspace.apply(instance, planFlags);
      await provisionBySCIM(emulator, rawConfig.aws[instance].region, size, Array.from({ length: size.groups }, (_, g) => g));
      for (const stack of stacksOf(instance)) await workspace.init(stack);
    }));
    const { value: ceiling, text } = ceilingOf(size, emulator.assignments.inProgressMs / 1000);
    console.log(`ceiling per partition: ${text}`);
    for (const instance of size.partitions) {
      const organization = organizations.get(instance)!;
      const stacks = stacksOf(instance);
      const expected = expectedAssignments(size, organization);
      const mark = emulator.requests.mark();
      const [applied, applySeconds] = await timed(() => inOrder(stacks, (stack) => workspace.apply(stack, planFlags)));
      const added = applied.reduce((sum, result) => sum + Number(/(\d+) added/.exec(result.stdout)?.[1] ?? 0), 0);
      const rate = expected / applySeconds;
      console.log(`\n${stacks.join(', ')}: apply created ${added} resources (${expected} assignments expected from the Organization) in ${applySeconds.toFixed(1)} s = ${rate.toFixed(2)} assignments/s, ${((100 * rate) / ceiling).toFixed(0)}% of the ceiling`);
      console.log(`  API calls during the apply: ${callSummary(emulator.requests.since(mark))}`);
      for (const refresh of [true, false]) {
        const flags = [...planFlags, ...(refresh ? [] : ['-refresh=false'])];
        const planMark = emulator.requests.mark();
        const [plans, planSeconds] = await timedPlans(workspace, stacks, flags);
        const changes = plans.flatMap((plan) => Object.entries(planActions(plan)).filter(([action]) => action !== 'no-op'));
        console.log(`  no-change plan${refresh ? '' : ' with -refresh=false'} of the estate${stacks.length > 1 ? `, its ${stacks.length} stacks side by side` : ''}: ${planSeconds.toFixed(1)} s, changes: ${changes.map(([a, n]) => `${a} ${n}`).join(', ') || 'none'}`);
        console.log(`  API calls during the plan: ${callSummary(emulator.requests.since(planMark))}`);
      }
      if (stacks.length > 1) {
        const planMark = emulator.requests.mark();
        const [, alone] = await timedPlans(workspace, stacks.slice(0, 1), planFlags);
        const reads = emulator.requests.since(planMark).filter((c) => c.operation === 'ListAccountAssignments').reduce((sum, c) => sum + c.count, 0);
        console.log(`  no-change plan of ${stacks[0]} alone: ${alone.toFixed(1)} s (${reads} ListAccountAssignments)`);
      }
      (await accessReportFigures(emulator, instance, config, Array.from({ length: size.members }, (_, u) => userName(u)))).forEach((line) => console.log(line));
    }
    // One more group on one OU: its plan must only add, one assignment per ACTIVE account of that OU.
    for (const instance of size.partitions) await provisionBySCIM(emulator, rawConfig.aws[instance].region, size, [size.groups]);
    const grown = estateConfig(size, organizations, true);
    workspace.resynth(grown);
    for (const instance of size.partitions) {
      const stack = accessStackName(instance, addedGroup(size, organizations.get(instance)!).stack);
      await workspace.init(stack);
      const expectedAdds = activeAccountsUnder(organizations.get(instance)!, ouName(0)).length;
      const actions = planActions(await workspace.plan(stack, planFlags));
      const replaced = (actions['delete+create'] ?? 0) + (actions['create+delete'] ?? 0);
      console.log(`\n${stack} after adding group ${groupName(size.groups)} on ${ouName(0)}: create ${actions.create ?? 0} (expected ${expectedAdds}), update ${actions.update ?? 0}, replace ${replaced}, delete ${actions.delete ?? 0}`);
    }
    const throttled = emulator.requests.all().filter((c) => c.operation.endsWith(' throttled'));
    console.log(`\nthrottled calls over the whole run: ${throttled.map((c) => `${c.operation} ×${c.count}`).join(', ') || 'none'}`);
  } finally {
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
