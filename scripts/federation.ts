/**
 * Entry point of the labelled non-Terraform steps:
 *   npm run federation -- post-apply|pre-destroy|status --instance aws-commercial [--dry-run] [--manual]
 *   npm run federation -- lookup
 * The azure-id stack's federation links call post-apply and pre-destroy with FEDERATION_INPUT; a
 * person can run any of them by hand.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { TokenCredential } from '@azure/identity';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { rawConfig } from '../config';
import { INSTANCE_NAMES, Partition } from '../config-schema';
import { DEFAULT_CONTEXT_FILE, FederationContext } from '../federation-context';
import { awsClients } from './clients/aws';
import { defaultCredential, entraEndpoints, GraphApi } from './clients/graph';
import { OperatorPrompt, terminalPrompt } from './clients/operator-prompt';
import { FederationInput, parseFederationInput } from './federation-input';
import { explain, runPhase } from './runner';
import { LOOKUP_STEP } from './steps/catalog';
import { PHASES } from './steps';
import { findSyncJob } from './steps/sync-job';

const COMMANDS = ['post-apply', 'pre-destroy', 'status', 'lookup'] as const;
type Command = (typeof COMMANDS)[number];
const USAGE = `usage: npm run federation -- <post-apply|pre-destroy|status> --instance <${INSTANCE_NAMES.join('|')}> [--dry-run] [--manual]\n       npm run federation -- lookup [--manual]`;

export class UsageError extends Error {}

export interface Invocation {
  readonly command: Command;
  readonly instance?: string;
  readonly dryRun: boolean;
  readonly manual: boolean;
}

export interface Io {
  readonly print: (line: string) => void;
  /** Overrides the Azure credential (tests, emulators). */
  readonly credential?: TokenCredential;
  readonly prompt?: OperatorPrompt;
  readonly contextFile?: string;
}

export function parseInvocation(argv: string[], env: NodeJS.ProcessEnv): Invocation {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { instance: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, manual: { type: 'boolean', default: false } },
  });
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command "${positionals[0] ?? ''}"\n${USAGE}`);
  if (command !== 'lookup' && !(INSTANCE_NAMES as readonly string[]).includes(values.instance ?? '')) {
    throw new UsageError(`--instance must be one of ${INSTANCE_NAMES.join(', ')}\n${USAGE}`);
  }
  return { command, instance: values.instance, dryRun: values['dry-run'] || env.FEDERATION_DRY_RUN === '1', manual: values.manual || env.FEDERATION_CONSOLE === 'manual' };
}

function contextFor(input: FederationInput, invocation: Invocation, env: NodeJS.ProcessEnv, io: Io) {
  const prompt = invocation.manual ? (io.prompt ?? terminalPrompt()) : undefined;
  const aws = awsClients(input, { manual: prompt, env });
  const graph = new GraphApi(entraEndpoints(input.entraEnvironment, env), io.credential ?? defaultCredential(env));
  return { input, identityStore: aws.identityStore, console: aws.console, graph, log: io.print };
}

async function status(input: FederationInput, ctx: ReturnType<typeof contextFor>, io: Io): Promise<number> {
  const [tenant] = await ctx.console.listProvisioningTenants(input.identityStoreId);
  const tokens = tenant ? await ctx.console.listBearerTokens(input.identityStoreId, tenant.tenantId) : [];
  const idp = await ctx.console.getExternalIdp(input.identityStoreId);
  const job = await findSyncJob(ctx.graph, input.servicePrincipalId);
  const { X509Certificate } = await import('node:crypto');
  const rows: [string, string][] = [
    ['identity source', idp ? `external IdP ${idp.entityId} (${idp.isEnabled ? 'enabled' : 'disabled'})` : 'Identity Center directory'],
    ['IdP certificate expiry', idp?.certificates.map((c) => new X509Certificate(c.pem).validTo).join(', ') || '—'],
    ['SCIM endpoint', tenant?.scimEndpoint ?? 'automatic provisioning off'],
    ['SCIM token expiry', tokens.map((t) => new Date(t.expirationTime * 1000).toISOString().slice(0, 10)).join(', ') || '—'],
    ['provisioning job', job ? `${job.id}: ${job.status.code}` : 'none'],
    ['last provisioning run', job?.status.lastExecution ? `${job.status.lastExecution.state ?? '?'} at ${job.status.lastExecution.timeEnded ?? '?'}` : '—'],
  ];
  io.print(`status of ${input.instance}:`);
  rows.forEach(([what, value]) => io.print(`  ${what.padEnd(24)} ${value}`));
  return 0;
}

/** Guide step 3.1 and the tenant's default domain, written to the committed context file. */
async function lookup(invocation: Invocation, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  io.print(`${LOOKUP_STEP.label} — not Terraform: ${LOOKUP_STEP.whyNotTerraform}`);
  const instances = {} as FederationContext['instances'];
  for (const name of INSTANCE_NAMES) {
    const target = { ...rawConfig.aws[name], awsProfile: rawConfig.aws[name].profile, partition: rawConfig.aws[name].partition as Partition };
    const aws = awsClients(target, { manual: invocation.manual ? (io.prompt ?? terminalPrompt()) : undefined, env });
    const [instance] = (await aws.ssoAdmin.send(new ListInstancesCommand({}))).Instances ?? [];
    if (!instance?.IdentityStoreId) throw new Error(`Identity Center in ${name} has no Organization instance: enable it in the console (${target.region}), then run again.`);
    const sp = await aws.console.getSpSamlConfig(instance.IdentityStoreId);
    // The default portal URL of an instance without a custom alias (AWS docs); edit it here if you set one.
    const accessPortalUrl =
      target.partition === 'aws-us-gov' ? `https://start.us-gov-home.awsapps.com/directory/${instance.IdentityStoreId}` : `https://${instance.IdentityStoreId}.awsapps.com/start`;
    instances[name] = { issuer: sp.issuer, acsUrl: sp.acsUrl, accessPortalUrl };
    io.print(`  ${name}: issuer ${sp.issuer}, ACS ${sp.acsUrl}, portal ${accessPortalUrl}`);
  }
  const graph = new GraphApi(entraEndpoints(rawConfig.entra.environment, env), io.credential ?? defaultCredential(env));
  const defaultDomain = await graph.defaultDomain();
  io.print(`  Entra default domain: ${defaultDomain}`);
  const file = io.contextFile ?? env.FEDERATION_CONTEXT_FILE ?? DEFAULT_CONTEXT_FILE;
  const context = { $comment: 'Written by `npm run federation -- lookup`; commit it so a reviewer sees every change.', source: 'lookup', entra: { defaultDomain }, instances };
  writeFileSync(file, `${JSON.stringify(context, null, 2)}\n`);
  io.print(`wrote ${file}`);
  return 0;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const invocation = parseInvocation(argv, env);
  if (invocation.command === 'lookup') return lookup(invocation, env, io);
  const input = parseFederationInput(env.FEDERATION_INPUT);
  if (input.instance !== invocation.instance) throw new UsageError(`--instance ${invocation.instance} does not match FEDERATION_INPUT's instance ${input.instance}`);
  if (invocation.command === 'status') return status(input, contextFor(input, invocation, env, io), io);

  const steps = PHASES[invocation.command];
  if (invocation.dryRun) {
    io.print(`${invocation.command} for ${input.instance} (${input.partition}, ${input.region}, ${input.identityStoreId}, tenant ${input.tenantId}), dry run:`);
    steps.forEach((step, i) => io.print(`  ${i + 1}. ${step.label} — not Terraform: ${step.whyNotTerraform}`));
    return 0;
  }
  const report = await runPhase(invocation.command, steps, contextFor(input, invocation, env, io), io.print);
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, { print: (line) => console.log(line) }).then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(error instanceof UsageError ? error.message : explain(error));
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
