/**
 * The whole lifecycle against local emulators, with the same stacks and scripts a real deploy
 * uses: synth → deploy → post-apply federation steps → verification → a second deploy that changes
 * nothing → destroy with the pre-destroy steps → a report that nothing is left.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, ListPermissionSetsCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Listr, ListrTask } from 'listr2';
import { rawConfig } from '../config';
import { INSTANCE_NAMES } from '../config-schema';
import { AwsEmulator } from '../emulators/aws';
import { EntraEmulator } from '../emulators/entra';
import { awsClients } from '../scripts/clients/aws';
import { defaultCredential } from '../scripts/clients/graph';
import { main as federation } from '../scripts/federation';
import { awsEmulatorEnv } from '../tooling/aws-emulator-env';
import { TerraformWorkspace } from '../tooling/terraform-workspace';
import { EntraStackDeployer, RunProvisioner } from './entra-deployer';
import { Interruption, runProvisioner } from './provisioner';
import { Report } from './report';

export const FAULTS = ['throttle', 'server-error', 'not-found-after-create', 'token-revoked', 'interrupted'] as const;
export type Fault = (typeof FAULTS)[number];

export interface RehearsalOptions {
  readonly faults?: Fault[];
  /** listr2's renderer: 'default' on a terminal, 'simple' in logs, 'silent' in tests. */
  readonly renderer?: 'default' | 'simple' | 'silent';
}

const credentials = { accessKeyId: 'AKIAREHEARSAL', secretAccessKey: 'rehearsal' };
const AWS_STACKS = INSTANCE_NAMES;
const ENTRA_STACK = rawConfig.entra.shortName;

export async function runRehearsal(options: RehearsalOptions = {}): Promise<Report> {
  const faults = new Set(options.faults ?? []);
  const report = new Report();
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-'));
  const savedEnv = { ...process.env };
  let aws: AwsEmulator | undefined;
  let entra: EntraEmulator | undefined;
  let workspace: TerraformWorkspace;
  let deployer: EntraStackDeployer;
  let richRoeDelay: number | undefined;

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

  /** Terraform's part for a federation link: run its provisioner, showing each labelled step. */
  const provision = (task: any, interrupt?: Interruption): RunProvisioner => (_address, provisioner, input) => {
    let started = 0;
    return runProvisioner(workspace.stackDir(ENTRA_STACK), provisioner, input, {
      onLine: (line) => {
        task.output = line;
        if (/ \d\/\d Entra provisioning: test connection, start the job .* — changed/.test(line)) started = Date.now();
        if (started && /Provision RichRoe on demand .* — (changed|already so)/.test(line)) richRoeDelay = Math.max(richRoeDelay ?? 0, (Date.now() - started) / 1000);
      },
      interrupt,
    });
  };

  const tasks = new Listr(
    [
      timed('Start the local clouds (moto behind the AWS gateway, the Entra emulator)', async (task) => {
        [aws, entra] = await Promise.all([AwsEmulator.start(), EntraEmulator.start({ cycleMs: 500 })]);
        Object.assign(process.env, awsEmulatorEnv(dir, aws.endpoint), entra.env(), { FEDERATION_CONTEXT_FILE: join(dir, 'federation.context.json'), FEDERATION_RECORDS: join(dir, 'records') });
        task.output = `AWS_ENDPOINT_URL=${aws.endpoint}  GRAPH_ENDPOINT=${entra.endpoint}`;
      }),
      timed('Look up the SAML values of both instances (npm run federation -- lookup)', async (task) => {
        const code = await federation(['lookup'], process.env, { print: (line) => (task.output = line) });
        if (code !== 0) throw new Error('lookup failed');
      }),
      timed('Synthesize the three stacks (cdktf synth)', (task) => {
        workspace = TerraformWorkspace.create(aws!.endpoint, undefined, dir);
        const stack = JSON.parse(readFileSync(join(workspace.stackDir(ENTRA_STACK), 'cdk.tf.json'), 'utf8'));
        deployer = new EntraStackDeployer(stack, entra!.endpoint, defaultCredential(process.env), join(dir, 'azure-id.state.json'));
        task.output = 'aws-commercial, aws-govcloud, azure-id';
      }),
      timed('Deploy aws-commercial and aws-govcloud (terraform apply, side by side)', async (task) => {
        await Promise.all(
          AWS_STACKS.map(async (stack) => {
            await workspace.init(stack);
            const applied = await workspace.apply(stack);
            task.output = `${stack}: ${/Apply complete! (.*)/.exec(applied.stdout)?.[1] ?? 'applied'}`;
            report.resources[stack] = { created: Number(/(\d+) added/.exec(applied.stdout)?.[1] ?? 0), destroyed: 0 };
          }),
        );
      }),
      timed(`Deploy ${ENTRA_STACK} through the Entra emulator (no azuread provider binary here), with the federation links' post-apply steps`, async (task) => {
        if (faults.has('throttle')) entra!.injectFaults({ throttle: 4 });
        if (faults.has('server-error')) entra!.injectFaults({ serverErrors: 4 });
        if (faults.has('not-found-after-create')) entra!.injectFaults({ notFoundAfterCreate: 2 });
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
        if (faults.has('interrupted')) report.check('deploying again after the interruption completes the federation', true);
        if (faults.has('throttle') || faults.has('server-error') || faults.has('not-found-after-create')) {
          report.check('every injected Graph fault (429, 5xx, 404 after create) was met and outlasted', entra!.pendingFaults() === 0, `${entra!.pendingFaults()} left unserved`);
        }
      }),
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
        if (richRoeDelay !== undefined) report.check('RichRoe visible in the identity store under 10 s after the job starts', richRoeDelay < 10, `${richRoeDelay.toFixed(1)} s`);
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
              await runProvisioner(stackDir, provisioner, input, { onLine: (line) => (task.output = line) });
              report.check('post-apply again issues a new token and the job leaves quarantine', entra!.jobs.every((j) => j.status.code === 'Active'));
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
        const rotated = await federation(['rotate-token', '--instance', input.instance], { ...process.env, FEDERATION_INPUT: undefined }, { print: (line) => (task.output = line) });
        const now = await tokens();
        report.check(`rotate-token for ${input.instance}: one new token, the old one gone`, rotated === 0 && now.length === 1 && !old.includes(now[0]), `${old.join(', ')} → ${now.join(', ')}`);
        const after = await status();
        report.check('status after the rotation: Entra provisions with the new token, no warning', after.code === 0, after.warnings.join('; ') || 'exit code 0');
      }),
      timed('Deploy again: nothing may change', async (task) => {
        const [awsMark, entraMark] = [aws!.requests.mark(), entra!.requests.mark()];
        const applied = await Promise.all(AWS_STACKS.map((stack) => workspace.apply(stack)));
        const counts = await deployer.apply(provision(task));
        // counts.drift: what the azuread provider would plan after this apply (rehearsal/entra-deployer.ts).
        const unchanged = applied.every((a) => a.stdout.includes('Resources: 0 added, 0 changed, 0 destroyed.')) && counts.created === 0 && counts.drift.length === 0;
        const writes = [...aws!.requests.writesSince(awsMark), ...entra!.requests.writesSince(entraMark)];
        report.check('second deploy: 0 changes and 0 write calls', unchanged && writes.length === 0, `${counts.created} Entra changes; planned Entra drift: ${counts.drift.join(', ') || 'none'}; writes: ${writes.map((w) => `${w.service} ${w.operation}`).join(', ') || 'none'}`);
      }),
      timed('Destroy: pre-destroy steps, then every stack', async (task) => {
        const counts = await deployer.destroy(provision(task));
        report.resources[ENTRA_STACK].destroyed = counts.destroyed;
        const destroyed = await Promise.all(AWS_STACKS.map((stack) => workspace.destroy(stack)));
        AWS_STACKS.forEach((stack, i) => (report.resources[stack].destroyed = Number(/(\d+) destroyed/.exec(destroyed[i].stdout)?.[1] ?? 0)));
      }),
      timed('Check that nothing is left in either emulator', async (task) => {
        const leftovers = aws!.leftovers();
        const inAws = await Promise.all(AWS_STACKS.map((stack) => awsObjects(aws!.endpoint, rawConfig.aws[stack].region)));
        const total = Object.values(leftovers).reduce((a, b) => a + b, 0) + inAws.reduce((a, b) => a + b, 0);
        report.check('after destroy: 0 objects left in the AWS emulator', total === 0, `${JSON.stringify(leftovers)}; permission sets + users: ${inAws.join(' + ')}`);
        report.check('after destroy: 0 objects left in the Entra emulator', entra!.leftovers() === 0, `${entra!.leftovers()} objects`);
        const records = readdirSync(join(dir, 'records'));
        report.check('after destroy: no deploy record left', records.length === 0, records.join(', ') || 'none');
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
    keepOnlyWhenFailed(dir, report);
  }
  report.notes.push('The azure-id stack was applied through the Entra emulator: the azuread provider binary is not available on this machine.');
  return report;
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
  return permissionSets.length + users.length;
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
