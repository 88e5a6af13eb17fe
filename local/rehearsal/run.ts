/**
 * The whole lifecycle against local emulators, with the same stacks and scripts a real deploy
 * uses: synth → deploy → post-apply federation steps → verification → a second deploy that changes
 * nothing → destroy with the pre-destroy steps → a report that nothing is left.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, ListPermissionSetsCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Listr, ListrTask } from 'listr2';
import { loadConfig, rawConfig } from '../../config';
import { INSTANCE_NAMES, InstanceName } from '../../app-config/schema';
import { AwsEmulator } from '../emulators/aws';
import { EntraEmulator } from '../emulators/entra';
import { awsClients } from '../../scripts/clients/aws';
import { defaultCredential } from '../../scripts/clients/graph';
import { main as federation } from '../../scripts/federation';
import type { FederationInput } from '../../scripts/federation-input';
import { awsEmulatorEnv } from '../harness/aws-emulator-env';
import { TerraformWorkspace } from '../harness/terraform-workspace';
import { accessStacks as accessStacksOf } from '../../app-model/stacks';
import { EntraStackDeployer, RunProvisioner } from './entra-deployer';
import { pimDemo } from './pim-demo';
import { Fault, FAULT_PLANS, FaultPlan } from './faults';
import { buildOrganizations, changeEntraMembership, expectedGroupAssignments, groupAssignmentsInAws, groupInAws, groupObjects, Organizations, rehearsalConfig, REHEARSAL_ORGANIZATION, REHEARSAL_SPLIT, untilMembers, withoutSplitEntries, moveAccountToRoot } from './groups';
import { App } from 'cdktf';
import { buildApp } from '../../main';
import { MovedAssignmentError, RetiredStackError } from '../../app-model/retired-access-stacks';
import { UNKNOWN_ACCOUNT_STATE_MESSAGE } from '../../constructs/account-targets';
import { Interruption, runProvisioner } from './provisioner';
import { filesUnder, findLeaks, ScanSource, Secret } from './secret-scan';
import { Report } from './report';
import { accessDemo, runAccess } from './access-demo';

export { FAULTS } from './faults';
export type { Fault } from './faults';

export interface RehearsalOptions {
  readonly faults?: Fault[];
  /** listr2's renderer: 'default' on a terminal, 'simple' in logs, 'silent' in tests. */
  readonly renderer?: 'default' | 'simple' | 'silent';
  /**
   * 'full' (npm start): the whole product, with groups across an Organization, just-in-time admin
   * and the access report. 'federation': the base stacks, azure-id and its federation steps only,
   * where every fault is aimed; the fault tests use it to stay within the suite's time.
   */
  readonly scope?: 'full' | 'federation';
}

const credentials = { accessKeyId: 'AKIAREHEARSAL', secretAccessKey: 'rehearsal' };
const AWS_STACKS = INSTANCE_NAMES;
const ENTRA_STACK = rawConfig.entra.shortName;
// The Entra emulator's provisioning interval; Entra's own is about 40 minutes.
const CYCLE_MS = 500;
// How long the Entra emulator's PIM keeps an activation before it may be ended; Entra's own is five minutes.
const PIM_MINIMUM_ACTIVE_MS = 3000;

export async function runRehearsal(options: RehearsalOptions = {}): Promise<Report> {
  const faults = new Set(options.faults ?? []);
  const full = (options.scope ?? 'full') === 'full';
  // The access stacks of the rehearsal config (app-model/stacks.ts decides them), known once it is built:
  // per partition in accessStacks order, the order cdktf applies them in (main.ts chains them), and all of them in deploy order.
  let accessChains: string[][] = [];
  let accessStacks: string[] = [];
  const only = (wanted: boolean, ...tasks: ListrTask[]) => (wanted ? tasks : []);
  const report = new Report();
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-'));
  // What the product printed and the environments it started processes with, for the secret scan.
  const transcript: ScanSource[] = [];
  const said: string[] = [];
  const savedEnv = { ...process.env };
  let aws: AwsEmulator | undefined;
  let entra: EntraEmulator | undefined;
  let workspace: TerraformWorkspace;
  let deployer: EntraStackDeployer;
  let organizations: Organizations;
  let config: ReturnType<typeof rehearsalConfig>;

  const timed = (title: string, body: (task: any) => Promise<unknown> | unknown): ListrTask => ({
    title,
    task: async (_ctx, task) => {
      const started = Date.now();
      try {
        return await body(task);
      } finally {
        report.phases.push([title, (Date.now() - started) / 1000]);
      }
    },
    rendererOptions: { persistentOutput: true },
  });

  /**
   * Runs `run` over chains of stacks as `cdktf deploy '*'` orders them: the chains side by side, the
   * stacks of one chain one after another (destroy: each chain in reverse). Results in the order of
   * `chains.flat()`, not of completion.
   */
  const inChains = async <T>(chains: readonly (readonly string[])[], run: (stack: string) => Promise<T>, reverse = false): Promise<T[]> => {
    const results = new Map<string, T>();
    await Promise.all(
      chains.map(async (chain) => {
        for (const stack of reverse ? [...chain].reverse() : chain) results.set(stack, await run(stack));
      }),
    );
    return chains.flat().map((stack) => results.get(stack)!);
  };

  /** terraform init of every stack at once (no call to AWS), then apply in chains, counting what each created (listed in deploy order). */
  const deployStacks = async (chains: readonly (readonly string[])[], task: any) => {
    chains.flat().forEach((stack) => (report.resources[stack] = { created: 0, destroyed: 0 }));
    await Promise.all(chains.flat().map((stack) => workspace.init(stack)));
    await inChains(chains, async (stack) => {
      const applied = await workspace.apply(stack);
      task.output = `${stack}: ${/Apply complete! (.*)/.exec(applied.stdout)?.[1] ?? 'applied'}`;
      report.resources[stack] = { created: Number(/(\d+) added/.exec(applied.stdout)?.[1] ?? 0), destroyed: 0 };
    });
  };

  /** Terraform's part for a federation link: run its provisioner, showing each labelled step. */
  const provision = (task: any, interrupt?: Interruption): RunProvisioner => (_address, provisioner, input) =>
    runProvisioner(workspace.stackDir(ENTRA_STACK), provisioner, input, { onLine: (line) => (task.output = line), interrupt, transcript });

  const tasks = new Listr(
    [
      timed('Start the local clouds (moto behind the AWS gateway, the Entra emulator)', async (task) => {
        // Organizations as AWS answered before 2026-09-09 (Status beside State): hashicorp/aws 5.100.0, the only
        // provider here, reads status alone. The phase "Organizations without Status" answers as AWS does since.
        [aws, entra] = await Promise.all([AwsEmulator.start({ accountStatusField: 'both' }), EntraEmulator.start({ cycleMs: CYCLE_MS, minimumActiveMs: PIM_MINIMUM_ACTIVE_MS })]);
        Object.assign(process.env, awsEmulatorEnv(dir, aws.endpoint), entra.env(), { FEDERATION_CONTEXT_FILE: join(dir, 'federation.context.json'), FEDERATION_RECORDS: join(dir, 'records') });
        task.output = `AWS_ENDPOINT_URL=${aws.endpoint}  GRAPH_ENDPOINT=${entra.endpoint}`;
      }),
      timed('Look up the SAML values of both instances (npm run federation -- lookup)', async (task) => {
        const code = await federation(['lookup'], process.env, { print: (line) => said.push((task.output = line)) });
        if (code !== 0) throw new Error('lookup failed');
      }),
      ...only(
        full,
        timed(`Build an Organization in each partition (${REHEARSAL_ORGANIZATION.organizationalUnits.length} OUs, ${REHEARSAL_ORGANIZATION.accounts} member accounts, ${REHEARSAL_ORGANIZATION.suspended} SUSPENDED)`, async (task) => {
        organizations = await buildOrganizations(aws!.endpoint, credentials);
        config = rehearsalConfig(organizations);
        const parsed = loadConfig(config);
        accessChains = INSTANCE_NAMES.map((instance) => accessStacksOf(parsed, instance).map((s) => s.name));
        accessStacks = accessChains.flat();
        task.output = [...organizations].map(([instance, o]) => `${instance}: ${o.accounts.length} accounts under ${o.rootId}`).join('; ');
      }),
      ),
      timed(`Synthesize the stacks (cdktf synth)${full ? `, with access on the OUs built above (a rehearsal config; the access of ${REHEARSAL_SPLIT.group} in the access stacks named ${REHEARSAL_SPLIT.stack})` : ''}`, (task) => {
        workspace = TerraformWorkspace.create(aws!.endpoint, full ? config : rawConfig, dir);
        const stack = JSON.parse(readFileSync(join(workspace.stackDir(ENTRA_STACK), 'cdk.tf.json'), 'utf8'));
        deployer = new EntraStackDeployer(stack, entra!.endpoint, defaultCredential(process.env), join(dir, 'azure-id.state.json'));
        task.output = [...AWS_STACKS, ENTRA_STACK, ...accessStacks].join(', ');
      }),
      timed('Deploy aws-commercial and aws-govcloud (terraform apply, side by side)', (task) => deployStacks(AWS_STACKS.map((stack) => [stack]), task)),
      timed(`Deploy ${ENTRA_STACK} through the Entra emulator (no azuread provider binary here), with the federation links' post-apply steps`, async (task) => {
        const armed = armFaults(faults, aws!, entra!);
        if (faults.has('interrupted')) {
          // As Ctrl-C reaches the process group when step 3 ends, then as Terraform cancels (the shell killed) while step 6 runs.
          for (const [how, step] of [['signal', 3], ['kill-shell', 5]] as const) {
            let seen = 0;
            const after = (line: string) => new RegExp(` ${step}/\\d+ .* — `).test(line) && ++seen === 1;
            const interruption = await deployer.apply(provision(task, { after, how })).then(
              () => undefined,
              (error: Error) => error,
            );
            report.check(`an interrupted post-apply stops the deploy (${how}), and no federation process survives it`, Boolean(interruption?.message.includes('no process of it survived')), interruption?.message.split('\n')[0] ?? 'it was not interrupted');
          }
        }
        const counts = await deployer.apply(provision(task));
        report.resources[ENTRA_STACK] = { created: deployer.createdTotal, destroyed: 0, note: 'through the Entra emulator' };
        task.output = `${ENTRA_STACK}: ${counts.created} created, ${counts.unchanged} unchanged`;
        if (faults.has('interrupted')) {
          // Post-apply writes the deploy record as its last act (scripts/deploy-record.ts): one per link means each ran to its end.
          const missing = deployer.linkInputs().filter((input) => !existsSync(join(dir, 'records', `${input.instance}.json`)));
          report.check('deploying again after the interruption completes the federation', missing.length === 0, missing.length ? `no deploy record for ${missing.map((i) => i.instance).join(', ')}` : 'a deploy record for every instance');
        }
        reportFaults(report, armed, aws!, entra!);
      }),
      ...only(
        full,
      timed('Deploy every access stack (terraform apply, one after another per partition as cdktf orders them, the partitions side by side): group assignments across the Organization', (task) => deployStacks(accessChains, task)),
      timed('Verify groups across accounts: SCIM groups and members, assignments, NikkiWolf through her group', async (task) => {
        for (const input of deployer.linkInputs()) {
          const aws_ = { region: input.region, endpoint: aws!.endpoint, credentials };
          const organization = organizations.get(input.instance as InstanceName)!;
          for (const group of input.groups as FederationInput['groups']) {
            const inAws = await groupInAws(aws_, input.identityStoreId, group.displayName);
            const wanted = group.members.map((m) => m.userPrincipalName).sort();
            const tied = (inAws?.externalIds ?? []).some((e) => e.Id === group.objectId && /provisioningtenant/.test(e.Issuer ?? ''));
            report.check(`${group.displayName} in ${input.instance}: created by SCIM with its Entra object id, members as in Entra`, tied && JSON.stringify(inAws?.members) === JSON.stringify(wanted), inAws ? `ExternalIds ${inAws.externalIds.map((e) => e.Id).join(', ')}; members ${inAws.members.join(', ') || 'none'}` : 'absent');
          }
          const expected = expectedGroupAssignments(config, input.instance as InstanceName, organization);
          const found = await groupAssignmentsInAws(aws_, organization);
          const missing = [...expected].filter((a) => !found.has(a));
          const extra = [...found].filter((a) => !expected.has(a));
          report.check(`group assignments in ${input.instance}: exactly those of the config on the ACTIVE accounts of the OUs (the SUSPENDED account has none)`, expected.size > 0 && missing.length + extra.length === 0, `${found.size} of ${expected.size} expected; missing ${missing.join(', ') || 'none'}; unexpected ${extra.join(', ') || 'none'}`);
          const nikki = input.samlUsers[0];
          const hers = new Set(config.groups.filter((g) => g.members.includes(nikki.userName)).map((g) => g.displayName));
          const throughGroups = new Set([...expected].filter((a) => hers.has(a.split('|')[0])).map((a) => a.split('|').slice(1).join('|')));
          const signIn = await samlSignIn(entra!, aws!, input.applicationClientId, nikki.userPrincipalName);
          const portal = new Set(((signIn.body.access ?? []) as { accountId: string; permissionSet: string; via: string }[]).filter((a) => a.via !== 'user').map((a) => `${a.permissionSet}|${a.accountId}`));
          const members = organization.accounts.filter((a) => a.active).map((a) => a.id);
          const same = portal.size === throughGroups.size && [...throughGroups].every((a) => portal.has(a));
          report.check(`NikkiWolf signs in to ${input.instance} and may use member accounts through her groups`, signIn.status === 200 && same && [...portal].some((a) => members.includes(a.split('|')[1])), `${portal.size} account/permission set pairs through groups, ${throughGroups.size} expected`);
          task.output = `${input.instance}: checked`;
        }
      }),
      timed("RichRoe leaves a group in Entra and joins it again: each change reaches AWS by the job's cycle", async (task) => {
        const input = deployer.linkInputs()[0];
        const aws_ = { region: input.region, endpoint: aws!.endpoint, credentials };
        const group = (input.groups as FederationInput['groups']).find((g) => g.members.some((m) => m.userName === 'RichRoe'))!;
        const richRoe = group.members.find((m) => m.userName === 'RichRoe')!;
        for (const change of ['remove', 'add'] as const) {
          await changeEntraMembership(entra!, group.objectId, richRoe.objectId, change);
          const seconds = await untilMembers(aws_, input.identityStoreId, group.displayName, (members) => members.includes(richRoe.userPrincipalName) === (change === 'add'), 20_000);
          report.check(`RichRoe ${change === 'add' ? 'added to' : 'removed from'} ${group.displayName} in Entra: the identity store of ${input.instance} follows`, seconds !== undefined, seconds === undefined ? 'not within 20 s' : `${seconds.toFixed(1)} s`);
          task.output = `${change}: ${seconds ?? 'timed out'}`;
        }
      }),
      ),
      timed('Verify both AWS instances', async (task) => {
        for (const input of deployer.linkInputs()) {
          const clients = awsClients(input as any);
          const { Users } = await clients.identityStore.send(new ListUsersCommand({ IdentityStoreId: input.identityStoreId }));
          const richRoe = Users?.find((u) => u.UserName === input.scimUsers[0].userPrincipalName);
          report.check(`RichRoe created by SCIM in ${input.instance}`, (richRoe?.ExternalIds ?? []).length > 0, richRoe ? `ExternalIds issuer ${richRoe.ExternalIds?.[0]?.Issuer}` : 'absent');
          const idp = await clients.console.getExternalIdp(input.identityStoreId);
          report.check(`identity source of ${input.instance} is the external IdP`, Boolean(idp?.isEnabled), idp?.entityId ?? 'Identity Center directory');
          const signIn = await samlSignIn(entra!, aws!, input.applicationClientId, input.samlUsers[0].userPrincipalName);
          const department = rawConfig.users.find((u) => u.userName === input.samlUsers[0].userName)!.department;
          report.check(
            `NikkiWolf signs in to ${input.instance} with Department passed`,
            signIn.status === 200 && signIn.body.sessionTags?.Department === department,
            signIn.status === 200 ? `session tags ${JSON.stringify(signIn.body.sessionTags)}` : String(signIn.body.error),
          );
          task.output = `${input.instance}: checked`;
        }
      }),
      ...(faults.has('token-revoked')
        ? [
            timed('Revoke the SCIM token mid-run, see quarantine, recover with post-apply', async (task) => {
              const input = deployer.linkInputs()[0];
              const console = awsClients(input as any).console;
              const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
              for (const token of await console.listBearerTokens(input.identityStoreId, tenant.tenantId)) await console.deleteBearerToken(input.identityStoreId, tenant.tenantId, token.tokenId);
              const quarantined = await waitFor(() => entra!.jobs.find((j) => j.id.includes(entra!.tenantId) && j.status.code === 'Quarantine'), 10_000);
              report.check('a revoked token puts the provisioning job in quarantine', Boolean(quarantined), quarantined?.status.quarantine?.error.code ?? 'still active');
              const stackDir = workspace.stackDir(ENTRA_STACK);
              const link = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')).resource.terraform_data;
              // The instance's create-time provisioner: post-apply (the other terraform_data holds pre-destroy).
              const provisioner = Object.entries(link)
                .filter(([address]) => address.startsWith(input.instance))
                .flatMap(([, resource]) => (resource as any).provisioner.map((p: any) => p['local-exec']))
                .find((p: any) => p.when !== 'destroy');
              await runProvisioner(stackDir, provisioner, input, { onLine: (line) => (task.output = line), transcript });
              // Recovered only when a cycle that began after post-apply has succeeded with the new token.
              const recoveredAt = new Date().toISOString();
              const job = await waitFor(() => entra!.jobs.find((j) => j.id === quarantined?.id && j.status.lastExecution?.state === 'Succeeded' && j.status.lastExecution.timeBegan >= recoveredAt), 10_000);
              report.check('post-apply again issues a new token and the job leaves quarantine', Boolean(job) && job!.status.code === 'Active', job ? `a cycle succeeded at ${job.status.lastExecution!.timeEnded}` : 'no successful cycle after post-apply');
            }),
          ]
        : []),
      timed('Operate: status of both instances, rotate a SCIM token, status again (npm run status, rotate-token)', async (task) => {
        const status = async () => {
          const lines: string[] = [];
          const code = await federation(['status'], process.env, { print: (line) => lines.push((task.output = line)) });
          return { code, lines, warnings: lines.filter((l) => l.startsWith('warning: ')) };
        };
        const before = await status();
        report.status = before.lines;
        report.check('status after deploy: both instances without a warning', before.code === 0, before.warnings.join('; ') || 'exit code 0');
        const input = deployer.linkInputs()[0];
        const console = awsClients(input as any).console;
        const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
        const tokens = async () => (await console.listBearerTokens(input.identityStoreId, tenant.tenantId)).map((t) => t.tokenId);
        const old = await tokens();
        const rotated = await federation(['rotate-token', '--instance', input.instance], { ...process.env, FEDERATION_INPUT: undefined }, { print: (line) => said.push((task.output = line)) });
        const now = await tokens();
        report.check(`rotate-token for ${input.instance}: one new token, the old one gone`, rotated === 0 && now.length === 1 && !old.includes(now[0]), `${old.join(', ')} → ${now.join(', ')}`);
        const after = await status();
        report.check('status after the rotation: Entra provisions with the new token, no warning', after.code === 0, after.warnings.join('; ') || 'exit code 0');
      }),
      ...only(
        full,
      timed('Just-in-time admin (npm run elevate, revoke, expiry): NikkiWolf eligible for AWS-Admins, access in seconds and gone in seconds', (task) =>
        pimDemo(report, { entra: entra!, endpoint: aws!.endpoint, credentials, links: deployer.linkInputs() as FederationInput[], signIn: (link, upn) => samlSignIn(entra!, aws!, link.applicationClientId, upn), cycleMs: CYCLE_MS, minimumActiveMs: PIM_MINIMUM_ACTIVE_MS, onLine: (line) => (task.output = line) }),
      ),
      timed(`Organizations without Status (as AWS answers since 2026-09-09): every access stack's deploy stops with the provider-upgrade message and deletes no assignment`, async (task) => {
        aws!.answerAccountStatus('retired');
        try {
          const mark = aws!.requests.mark();
          const stopped = await Promise.all(accessStacks.map((stack) => workspace.apply(stack).then(() => `${stack} applied`, (error: Error) => (error.message.replace(/\s+/g, ' ').includes(UNKNOWN_ACCOUNT_STATE_MESSAGE) ? undefined : `${stack}: ${error.message.split('\n')[0]}`))));
          const deletes = aws!.requests.writesSince(mark).filter((w) => w.operation === 'DeleteAccountAssignment');
          const wrong = stopped.filter(Boolean);
          report.check('without Status, each access stack stops at its plan with the upgrade message, and no assignment is deleted', wrong.length === 0 && deletes.length === 0, `${accessStacks.length - wrong.length} of ${accessStacks.length} stopped with the message; ${wrong.join('; ') || 'none applied'}; DeleteAccountAssignment calls: ${deletes.reduce((n, w) => n + w.count, 0)}`);
          task.output = `${accessStacks.length - wrong.length} of ${accessStacks.length} stopped`;
        } finally {
          aws!.answerAccountStatus('both');
        }
      }),
      timed('Who has access (npm run access), Organizations without Status: nothing found after deploy; an orphan, an unmanaged assignment and a membership drift made by hand, each found, then undone', async (task) => {
        // The report reads State (scripts/access/collect.ts), which AWS still returns.
        aws!.answerAccountStatus('retired');
        try {
          await accessDemo(report, { endpoint: aws!.endpoint, credentials, config, link: deployer.linkInputs()[0] as FederationInput, organization: organizations.get(deployer.linkInputs()[0].instance as InstanceName)!, cycleMs: CYCLE_MS, onLine: (line) => (task.output = line) });
        } finally {
          aws!.answerAccountStatus('both');
        }
      }),
      ),
      timed('Deploy again: nothing may change', async (task) => {
        const [awsMark, entraMark] = [aws!.requests.mark(), entra!.requests.mark()];
        const stacks = [...AWS_STACKS, ...accessStacks];
        // The AWS stacks before the access stacks, and a partition's access stacks one after another, as cdktf
        // orders them: an access stack reads its base stack's state (terraform_remote_state), which must not be
        // read while that stack's apply rewrites it.
        const applied = [
          ...(await Promise.all(AWS_STACKS.map((stack) => workspace.apply(stack)))),
          ...(await inChains(accessChains, (stack) => workspace.apply(stack))),
        ];
        const counts = await deployer.apply(provision(task));
        // counts.drift: what the azuread provider would plan after this apply (local/rehearsal/entra-deployer.ts).
        const changed = stacks.filter((_stack, i) => !applied[i].stdout.includes('Resources: 0 added, 0 changed, 0 destroyed.'));
        const unchanged = changed.length === 0 && counts.created === 0 && counts.drift.length === 0;
        const writes = [...aws!.requests.writesSince(awsMark), ...entra!.requests.writesSince(entraMark)];
        const terraform = changed.length ? `changes in ${changed.join(', ')}` : `0 changes in each of ${stacks.join(', ')}`;
        report.check('second deploy: 0 changes and 0 write calls', unchanged && writes.length === 0, `${terraform}; ${counts.created} Entra changes; planned Entra drift: ${counts.drift.join(', ') || 'none'}; writes: ${writes.map((w) => `${w.service} ${w.operation}`).join(', ') || 'none'}`);
      }),
      ...only(
        full,
        timed(`Remove the last entries of the ${REHEARSAL_SPLIT.stack} access stacks from the config, move an account out of Workloads, and deploy: ${REHEARSAL_SPLIT.group}'s assignments and those on the moved account are gone in both partitions`, async (task) => {
          const refused = (raw: unknown) => {
            try {
              buildApp(new App({ outdir: mkdtempSync(join(tmpdir(), 'rehearsal-guard-')) }), { rawConfig: raw, stateDir: dir });
              return undefined;
            } catch (error) {
              if (error instanceof RetiredStackError || error instanceof MovedAssignmentError) return error;
              throw error;
            }
          };
          // Stacks merged in one deploy: AWS-Admins' entries back in <instance>-access while the admin stacks' states hold them.
          const unsplit = Object.fromEntries(INSTANCE_NAMES.map((i) => [i, config.identityCenter.access[i].map(({ stack: _stack, ...entry }: { stack?: string }) => entry)]));
          const merged = refused({ ...config, identityCenter: { ...config.identityCenter, access: unsplit } });
          report.check(`moving ${REHEARSAL_SPLIT.group}'s entries back to <instance>-access in one deploy is refused before any call, naming both stacks`, merged instanceof MovedAssignmentError && merged.moved.length === INSTANCE_NAMES.length, merged instanceof Error ? merged.message.split('\n')[0] : 'accepted');
          const undeclaredEarly = refused(withoutSplitEntries(config, { declared: false }));
          report.check(`removing the ${REHEARSAL_SPLIT.stack} stacks from identityCenter.accessStacks while their state holds assignments is refused before any call`, undeclaredEarly instanceof RetiredStackError && undeclaredEarly.retired.length === INSTANCE_NAMES.length, undeclaredEarly instanceof Error ? undeclaredEarly.message.split('\n')[0] : 'accepted');
          // An account leaves an OU: the report calls its assignment out of scope, and the next deploy deletes it.
          const moved = new Map<InstanceName, string>();
          for (const instance of INSTANCE_NAMES) {
            const aws_ = { region: rawConfig.aws[instance].region, endpoint: aws!.endpoint, credentials };
            const after = await moveAccountToRoot(aws_, organizations.get(instance)!, 'Workloads');
            organizations.set(instance, after.organization);
            moved.set(instance, after.moved);
          }
          const { report: before } = await runAccess({ config, cycleMs: CYCLE_MS }, false);
          for (const instance of INSTANCE_NAMES) {
            const findings = before.instances.find((i) => i.instance === instance);
            const outOfScope = findings?.readable ? findings.findings.filter((f) => f.kind === 'out-of-scope' && f.subject.includes(moved.get(instance)!)) : [];
            report.check(`the access report calls the assignment on the account moved out of Workloads in ${instance} out of scope before the deploy`, outOfScope.length > 0, outOfScope.map((f) => `${f.subject}: ${f.detail}`).join('; ') || 'no such finding');
          }
          const removed = withoutSplitEntries(config, { declared: true });
          workspace.resynth(removed);
          // The new synth's folders: every stack applied or destroyed after this point is initialized there.
          await Promise.all([...AWS_STACKS, ...accessStacks].map((stack) => workspace.init(stack)));
          const applied = await inChains(accessChains, (stack) => workspace.apply(stack));
          accessStacks.forEach((stack, i) => (report.resources[stack].destroyed += Number(/(\d+) destroyed/.exec(applied[i].stdout)?.[1] ?? 0)));
          for (const input of deployer.linkInputs()) {
            const instance = input.instance as InstanceName;
            const organization = organizations.get(instance)!;
            const found = await groupAssignmentsInAws({ region: input.region, endpoint: aws!.endpoint, credentials }, organization);
            const expected = expectedGroupAssignments(removed, instance, organization);
            const left = [...found].filter((a) => a.startsWith(`${REHEARSAL_SPLIT.group}|`));
            const onMoved = [...found].filter((a) => a.endsWith(`|${moved.get(instance)}`));
            const others = [...expected].every((a) => found.has(a)) && found.size === expected.size;
            report.check(
              `${REHEARSAL_SPLIT.group}'s entries removed and an account moved out of Workloads: none of those assignments left in ${instance}, the others unchanged`,
              left.length === 0 && onMoved.length === 0 && others && expected.size > 0,
              `${REHEARSAL_SPLIT.group}: ${left.length} left; on the moved account ${moved.get(instance)}: ${onMoved.length} left; ${found.size} group assignments, ${expected.size} expected`,
            );
          }
          const undeclaredAfter = refused(withoutSplitEntries(config, { declared: false }));
          report.check(`once deployed empty, the ${REHEARSAL_SPLIT.stack} stacks may leave identityCenter.accessStacks`, undeclaredAfter === undefined, undeclaredAfter?.message.split('\n')[0] ?? 'accepted: their states hold nothing');
          task.output = 'removed';
        }),
      ),
      timed('Destroy: pre-destroy steps, then every stack', async (task) => {
        // In reverse of deploy, as cdktf destroy '*' orders the chained access stacks.
        const destroyedAccess = await inChains(accessChains, (stack) => workspace.destroy(stack), true);
        // += : the removal phase destroyed the split stacks' assignments before.
        accessStacks.forEach((stack, i) => (report.resources[stack].destroyed += Number(/(\d+) destroyed/.exec(destroyedAccess[i].stdout)?.[1] ?? 0)));
        const counts = await deployer.destroy(provision(task));
        report.resources[ENTRA_STACK].destroyed = counts.destroyed;
        const destroyed = await Promise.all(AWS_STACKS.map((stack) => workspace.destroy(stack)));
        AWS_STACKS.forEach((stack, i) => (report.resources[stack].destroyed = Number(/(\d+) destroyed/.exec(destroyed[i].stdout)?.[1] ?? 0)));
        const uneven = Object.entries(report.resources).filter(([, r]) => r.created === 0 || r.destroyed !== r.created);
        report.check('every resource created is destroyed, stack by stack', uneven.length === 0, Object.entries(report.resources).map(([stack, r]) => `${stack} ${r.created}/${r.destroyed}`).join(', '));
      }),
      timed('Check that nothing is left in either emulator', async (task) => {
        const leftovers = aws!.leftovers();
        const inAws = await Promise.all(AWS_STACKS.map((stack) => awsObjects(aws!.endpoint, rawConfig.aws[stack].region)));
        const total = Object.values(leftovers).reduce((a, b) => a + b, 0) + inAws.reduce((a, b) => a + b, 0);
        report.check('after destroy: 0 objects left in the AWS emulator', total === 0, `${JSON.stringify(leftovers)}; permission sets + users + groups and memberships: ${inAws.join(' + ')}`);
        report.check('after destroy: 0 objects left in the Entra emulator', entra!.leftovers() === 0, `${entra!.leftovers()} objects`);
        const records = readdirSync(join(dir, 'records'));
        report.check('after destroy: no deploy record left', records.length === 0, records.join(', ') || 'none');
        // The product's own check, as an operator runs it after a real destroy: both instances and Entra, by the real APIs.
        const lines: string[] = [];
        const code = await federation(['leftovers'], process.env, { print: (line) => lines.push(line) });
        report.check('npm run federation -- leftovers after destroy: nothing left in either instance or in Entra', code === 0, code === 0 ? lines.filter((l) => l.startsWith('leftovers')).join('; ') : lines.join(' | '));
        task.output = 'nothing left';
      }),
    ],
    { renderer: options.renderer ?? (process.stdout.isTTY ? 'default' : 'simple'), exitOnError: true, rendererOptions: { collapseSubtasks: false } as any },
  );

  try {
    await tasks.run();
  } catch (error) {
    report.check('the rehearsal ran to its end', false, failureSummary((error as Error).message));
    report.notes.push(`Why it stopped:\n${(error as Error).message}`);
  } finally {
    report.calls = [...(aws?.requests.all() ?? []), ...(entra?.requests.all() ?? [])];
    await Promise.all([aws?.stop(), entra?.stop()]);
    process.env = savedEnv;
    if (aws && entra) checkNoSecretLeaked(report, aws, entra, [...transcript, { name: 'output of lookup and rotate-token', text: said.join('\n') }], dir);
    keepOnlyWhenFailed(dir, report);
  }
  report.notes.push('The azure-id stack was applied through the Entra emulator: the azuread provider binary is not available on this machine.');
  return report;
}

/**
 * Every SCIM token AWS issued and every initial password Entra received must appear nowhere the
 * product writes or prints: its output, the environments of the processes it started, and every
 * file of the run (Terraform state and backups, records, context, emulator credential files).
 */
function checkNoSecretLeaked(report: Report, aws: AwsEmulator, entra: EntraEmulator, transcript: ScanSource[], dir: string): void {
  const secrets: Secret[] = [
    ...aws.provisioning.issuedTokenValues.map((value) => ({ what: 'a SCIM bearer token', value })),
    ...entra.receivedPasswords.map((value) => ({ what: "an Entra user's initial password", value })),
  ];
  const sources = [...transcript, ...filesUnder(dir), { name: 'the report', text: report.lines().join('\n') }];
  const leaks = findLeaks(secrets, sources);
  const scanned = `${aws.provisioning.issuedTokenValues.length} SCIM tokens and ${entra.receivedPasswords.length} passwords looked for in ${sources.length} outputs, environments and files`;
  // A scan that found no secret to look for proves nothing: the run issued tokens and created users.
  const ok = leaks.length === 0 && aws.provisioning.issuedTokenValues.length > 0 && entra.receivedPasswords.length > 0;
  report.check('no secret in output, state, records, temp files or child environments', ok, leaks.length ? leaks.map((l) => `${l.what} in ${l.source}`).join('; ') : scanned);
}

/** The work folder holds state backups and credential files: gone after a green run, kept (and named) for a person to look at after a failure. */
function keepOnlyWhenFailed(dir: string, report: Report): void {
  if (report.ok) rmSync(dir, { recursive: true, force: true });
  else report.notes.push(`The rehearsal's files (Terraform state and its backups, emulator credential files, records) are in ${dir}: look there, then delete it.`);
}

/** The first line of a failure and, for Terraform's, its first "Error:" line: the cause. */
function failureSummary(message: string): string {
  const lines = message.split('\n');
  const cause = lines.find((line) => /Error: /.test(line))?.replace(/[│╷╵]/g, '').trim();
  return [lines[0], cause].filter(Boolean).join(' ');
}

async function samlSignIn(entra: EntraEmulator, aws: AwsEmulator, appId: string, userPrincipalName: string): Promise<{ status: number; body: any }> {
  const idp = await fetch(`${entra.endpoint}/${entra.tenantId}/saml2/emulator-signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId, userPrincipalName }) });
  const issued = (await idp.json()) as any;
  if (!idp.ok) return { status: idp.status, body: { error: issued.error?.message } };
  // The browser posts the response to the ACS URL it names; the emulator serves that same path.
  const acs = await fetch(`${aws.endpoint}${new URL(issued.destination).pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: issued.samlResponse }) });
  return { status: acs.status, body: await acs.json() };
}

async function awsObjects(endpoint: string, region: string): Promise<number> {
  const config = { region, credentials, endpoint };
  const [instance] = (await new SSOAdminClient(config).send(new ListInstancesCommand({}))).Instances!;
  const permissionSets = (await new SSOAdminClient(config).send(new ListPermissionSetsCommand({ InstanceArn: instance.InstanceArn }))).PermissionSets ?? [];
  const users = (await new IdentitystoreClient(config).send(new ListUsersCommand({ IdentityStoreId: instance.IdentityStoreId }))).Users ?? [];
  return permissionSets.length + users.length + (await groupObjects(config, instance.IdentityStoreId!));
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

const ledgerOf = (plan: FaultPlan, aws: AwsEmulator, entra: EntraEmulator) => (plan.emulator === 'aws' ? aws : entra).faults;

/** Arms each chosen fault that has a plan in its emulator; returns the kind each was armed as. */
function armFaults(faults: Set<Fault>, aws: AwsEmulator, entra: EntraEmulator): Map<FaultPlan, string> {
  const armed = new Map<FaultPlan, string>();
  for (const plan of [...faults].map((fault) => FAULT_PLANS[fault]).filter((p): p is FaultPlan => Boolean(p))) {
    const rule = plan.rule(ledgerOf(plan, aws, entra));
    ledgerOf(plan, aws, entra).arm(rule);
    armed.set(plan, rule.kind);
  }
  return armed;
}

/**
 * One check per injected fault: served on the calls it aims at, and each one retried and outlasted
 * by whoever the plan names (the product, or Entra's sync engine for SCIM). The counts come from the
 * emulators' ledgers, which see only the traffic.
 */
function reportFaults(report: Report, armed: Map<FaultPlan, string>, aws: AwsEmulator, entra: EntraEmulator): void {
  for (const [plan, kind] of armed) {
    const outcome = ledgerOf(plan, aws, entra).outcomes().find((o) => o.kind === kind)!;
    report.faults.push({ ...outcome, retrier: plan.retrier });
    const who = plan.retrier === 'product' ? "the product's calls" : "Entra's SCIM calls (the sync engine's, not the product's)";
    report.check(
      `${outcome.kind} on ${who}: every one retried and recovered`,
      outcome.injected > 0 && outcome.retried === outcome.injected && outcome.recovered === outcome.injected,
      `${outcome.injected} injected, ${outcome.retried} retried, ${outcome.recovered} recovered`,
    );
  }
}
