/**
 * Entry point of the labelled non-Terraform steps:
 *   npm run federation -- post-apply|pre-destroy|rotate-token --instance aws-commercial [--dry-run] [--manual]
 *   npm run federation -- status [--instance aws-commercial]      (npm run status)
 *   npm run federation -- lookup
 *   npm run federation -- leftovers [--instance aws-commercial]   (after destroy: what is left)
 *   npm run federation -- access [--instance aws-commercial] [--json] [--markdown FILE] [--wait-for-cycle]   (npm run access: who has access to what)
 * The azure-id stack's federation links call post-apply and pre-destroy with FEDERATION_INPUT; a
 * person can run any of them by hand. status and rotate-token take the input from the last
 * deploy's record when FEDERATION_INPUT is not set. Every command validates config.ts before any
 * call; post-apply, pre-destroy and rotate-token hold the instance's run lock (scripts/run-lock.ts)
 * and stop when interrupted (scripts/interruption.ts).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TokenCredential } from '@azure/identity';
import { loadConfig, rawConfig } from '../config';
import { AppConfig, INSTANCE_NAMES } from '../app-config/schema';
import { DEFAULT_CONTEXT_FILE, loadFederationContext } from '../app-config/context';
import { awsClients } from './clients/aws';
import { defaultCredential, entraEndpoints, GraphApi } from './clients/graph';
import { OperatorPrompt, terminalPrompt } from './clients/operator-prompt';
import { DeployRecord, RecordStore, recordStoreFor } from './deploy-record';
import { deployRecord, readLiveState, tokenHeldByEntra } from './deploy-state';
import { FederationInput, parseFederationInput } from './federation-input';
import { abortOnSignals, abortWhenOrphaned, Interrupted, whenAborted } from './interruption';
import { explain, runPhase } from './runner';
import { acquireRunLock, lockStoreFor } from './run-lock';
import { reportLeftovers } from './leftovers';
import { reportAccess } from './access';
import { pacedAccessClients } from './access/collect';
import { JitInvocation, runJit } from './jit/cli';
import { reportStatus } from './status';
import { lookup } from './steps/lookup';
import { phase } from './steps';
import { RunOptions, StepContext } from './steps/step';
import { entraObjectNames } from '../app-config/entra-names';

const COMMANDS = ['post-apply', 'pre-destroy', 'rotate-token', 'status', 'lookup', 'leftovers', 'access', 'elevate', 'revoke'] as const;
type Command = (typeof COMMANDS)[number];
const USAGE =
  `usage: npm run federation -- <post-apply|pre-destroy|rotate-token> --instance <${INSTANCE_NAMES.join('|')}> [--dry-run] [--manual] [--adopt-identity-source]\n` +
  `       npm run federation -- <status|leftovers> [--instance <${INSTANCE_NAMES.join('|')}>]\n       npm run federation -- lookup [--manual]\n` +
  `       npm run federation -- access [--instance <${INSTANCE_NAMES.join('|')}>] [--json] [--markdown FILE] [--wait-for-cycle]\n` +
  `       npm run federation -- elevate --justification "…" [--duration PT1H] [--group NAME] [--instance <${INSTANCE_NAMES.join('|')}>] [--browser]   (npm run elevate)\n` +
  `       npm run federation -- revoke [--group NAME] [--instance <${INSTANCE_NAMES.join('|')}>] [--browser]   (npm run revoke)`;
const PROJECT_ROOT = join(__dirname, '..');

export class UsageError extends Error {}

export interface Invocation {
  readonly command: Command;
  readonly instance?: string;
  readonly dryRun: boolean;
  readonly manual: boolean;
  /** Take over an external IdP this deployment did not set (the identity-source step refuses otherwise). */
  readonly adoptIdentitySource?: boolean;
  /** access: print JSON, write Markdown to this file, wait for the next provisioning cycle before calling a membership difference drift. */
  readonly json?: boolean;
  readonly markdown?: string;
  readonly waitForCycle?: boolean;
  /** elevate and revoke (scripts/jit): the privileged group, the activation's duration and justification. */
  readonly jit?: Omit<JitInvocation, 'command'>;
}

export interface Io {
  readonly print: (line: string) => void;
  /** Overrides the Azure credential (tests, emulators). */
  readonly credential?: TokenCredential;
  readonly prompt?: OperatorPrompt;
  readonly contextFile?: string;
  /** Overrides the clock that expiry warnings count from (tests). */
  readonly now?: () => Date;
  /** The configuration to validate and use; config.ts's by default (tests). */
  readonly rawConfig?: unknown;
  /** Aborted when the run must stop (a signal, a dead parent); the run ends with the reason. */
  readonly signal?: AbortSignal;
  /** How long to wait for another run holding the instance's lock. */
  readonly lockWaitMs?: number;
  /** One Entra provisioning cycle for the access report's lag rule (an emulator's own interval); about 40 minutes by default. */
  readonly provisioningCycleMs?: number;
}

export function parseInvocation(argv: string[], env: NodeJS.ProcessEnv): Invocation {
  const { positionals, values } = parseArgsOrUsage(argv);
  const command = positionals[0] as Command;
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command "${positionals[0] ?? ''}"\n${USAGE}`);
  if (positionals.length > 1) throw new UsageError(`unexpected "${positionals.slice(1).join(' ')}" after ${command}\n${USAGE}`);
  const instanceOptional = command === 'lookup' || ((command === 'elevate' || command === 'revoke' || command === 'status' || command === 'leftovers' || command === 'access') && values.instance === undefined);
  if (!instanceOptional && !(INSTANCE_NAMES as readonly string[]).includes(values.instance ?? '')) {
    throw new UsageError(`--instance must be one of ${INSTANCE_NAMES.join(', ')}\n${USAGE}`);
  }
  if (values.duration !== undefined && !isPositiveDuration(values.duration)) {
    throw new UsageError(`--duration must be an ISO 8601 duration above zero, such as PT1H or PT30M (got "${values.duration}")\n${USAGE}`);
  }
  return { command, instance: values.instance, dryRun: values['dry-run'] || env.FEDERATION_DRY_RUN === '1', manual: values.manual || env.FEDERATION_CONSOLE === 'manual', adoptIdentitySource: values['adopt-identity-source'], json: values.json, markdown: values.markdown, waitForCycle: values['wait-for-cycle'], jit: { group: values.group, duration: values.duration, justification: values.justification, instance: values.instance, browser: values.browser } };
}

/** An ISO 8601 duration (PnYnMnWnDTnHnMnS, the form PIM's expiration.duration takes) that is not zero. */
function isPositiveDuration(text: string): boolean {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return false;
  return match.slice(1).some((part) => Number(part ?? 0) > 0);
}

/** node:util parseArgs, with its errors (unknown flag, missing value) as usage errors. */
function parseArgsOrUsage(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { instance: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, manual: { type: 'boolean', default: false }, 'adopt-identity-source': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, markdown: { type: 'string' }, 'wait-for-cycle': { type: 'boolean', default: false }, browser: { type: 'boolean', default: false }, group: { type: 'string' }, duration: { type: 'string' }, justification: { type: 'string' } },
    });
  } catch (error) {
    if (!/^ERR_PARSE_ARGS/.test((error as NodeJS.ErrnoException).code ?? '')) throw error;
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

function contextFor(input: FederationInput, prompt: OperatorPrompt | undefined, env: NodeJS.ProcessEnv, io: Io, previous?: DeployRecord, options: RunOptions = {}): StepContext {
  const aws = awsClients(input, { manual: prompt, env });
  const graph = new GraphApi(entraEndpoints(input.entraEnvironment, env), io.credential ?? defaultCredential(env));
  return { input, identityStore: aws.identityStore, console: aws.console, graph, log: io.print, previous, notes: {}, signal: io.signal, options, now: io.now };
}

/** The input the federation link's provisioners pass. */
function providedInput(instance: string, env: NodeJS.ProcessEnv): FederationInput {
  const input = parseFederationInput(env.FEDERATION_INPUT);
  if (input.instance !== instance) throw new UsageError(`--instance ${instance} does not match FEDERATION_INPUT's instance ${input.instance}`);
  return input;
}

/** For status and rotation: FEDERATION_INPUT if set, else the input the last deploy recorded. */
function inputFor(instance: string, env: NodeJS.ProcessEnv, record: DeployRecord | undefined, records: RecordStore): FederationInput {
  if (env.FEDERATION_INPUT) return providedInput(instance, env);
  if (record) return record.input;
  throw new UsageError(`No deploy record of ${instance} in ${records.location} and FEDERATION_INPUT is not set: deploy first (cdktf deploy), or copy the input from \`terraform state show\` of the federation link.`);
}

/** Every instance (or the one named); FEDERATION_INPUT stands in for its own instance's record only. */
function status(invocation: Invocation, env: NodeJS.ProcessEnv, io: Io, records: RecordStore, prompt?: OperatorPrompt): Promise<number> {
  return reportStatus({
    instances: invocation.instance ? [invocation.instance] : INSTANCE_NAMES,
    records,
    provided: env.FEDERATION_INPUT ? parseFederationInput(env.FEDERATION_INPUT) : undefined,
    contextFor: (input, record) => contextFor(input, prompt, env, io, record),
    print: io.print,
  });
}

/** After a phase: remember what it set (or, after pre-destroy, forget it) for status and drift. */
async function keepRecord(command: Command, ctx: StepContext, records: RecordStore, io: Io): Promise<void> {
  if (command === 'pre-destroy') {
    await records.remove(ctx.input.instance);
    return;
  }
  const live = await readLiveState(ctx);
  const tokenId = tokenHeldByEntra(live.tokens, ctx.notes.tokenId, ctx.previous);
  await records.write(deployRecord(ctx.input, live, tokenId, io.now?.() ?? new Date()));
  io.print(`[${ctx.input.instance}] recorded what this run set (for status and drift) in ${records.location}`);
}

/** After destroy: what the federation steps left in each instance (or the one named), from the real APIs. */
function leftovers(config: AppConfig, invocation: Invocation, prompt: OperatorPrompt | undefined, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const names = invocation.instance ? [invocation.instance as (typeof INSTANCE_NAMES)[number]] : INSTANCE_NAMES;
  const targets = names.map((instance) => {
    const aws = awsClients({ ...config.aws[instance], awsProfile: config.aws[instance].profile }, { manual: prompt, env });
    return { instance, region: config.aws[instance].region, ...aws };
  });
  const { entra: { defaultDomain } } = loadFederationContext(io.contextFile ?? env.FEDERATION_CONTEXT_FILE ?? DEFAULT_CONTEXT_FILE);
  const graph = new GraphApi(entraEndpoints(config.entra.environment, env), io.credential ?? defaultCredential(env));
  const entra = { names: entraObjectNames(config, defaultDomain, names), idsNamed: graph.directory.idsNamed.bind(graph.directory) };
  return reportLeftovers(targets, io.print, entra);
}

/** Who has access to what, read-only, in every instance (or the one named): scripts/access. */
function access(config: AppConfig, invocation: Invocation, records: RecordStore, prompt: OperatorPrompt | undefined, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const context = loadFederationContext(io.contextFile ?? env.FEDERATION_CONTEXT_FILE ?? DEFAULT_CONTEXT_FILE);
  const run = {
    instances: invocation.instance ? [invocation.instance as (typeof INSTANCE_NAMES)[number]] : INSTANCE_NAMES,
    config,
    entraDomain: context.entra.defaultDomain,
    records,
    // Each client held to the Identity Center quota of 20 requests a second (scripts/access/collect.ts).
    awsClientsFor: (instance: (typeof INSTANCE_NAMES)[number]) => pacedAccessClients(awsClients({ ...config.aws[instance], awsProfile: config.aws[instance].profile }, { manual: prompt, env }), new Map()),
    graph: new GraphApi(entraEndpoints(config.entra.environment, env), io.credential ?? defaultCredential(env)),
    now: io.now && (() => io.now!().getTime()),
    cycleMs: io.provisioningCycleMs,
    waitForCycle: invocation.waitForCycle,
  };
  return reportAccess(run, { json: invocation.json, markdownFile: invocation.markdown, print: io.print });
}

/**
 * The command's exit code, or, once the run is told to stop (a signal, a dead parent), the signal's
 * exit code at once: a call that never returns must not keep the command running.
 */
async function untilInterrupted(command: Command, run: Promise<number>, io: Io): Promise<number> {
  try {
    return await Promise.race([run, whenAborted(io.signal)]);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    const again = command === 'elevate' || command === 'revoke' ? ` Running "${command}" again finishes it (a run lock it held is stale once this process is gone).` : '';
    io.print(`${command} ${error.message}: stopped.${again}`);
    return error.exitCode;
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const invocation = parseInvocation(argv, env);
  // Before any call: the configuration, and a terminal for --manual.
  const config = loadConfig(io.rawConfig ?? rawConfig);
  const prompt = invocation.manual ? (io.prompt ?? terminalPrompt()) : undefined;
  const records = recordStoreFor(config.state, PROJECT_ROOT, env);
  const { command } = invocation;
  // Read-only, or (elevate, revoke) safe to run again: on a signal they end at once, whatever call is pending.
  if (command === 'lookup') return untilInterrupted(command, lookup(config, env, { ...io, prompt }), io);
  if (command === 'leftovers') return untilInterrupted(command, leftovers(config, invocation, prompt, env, io), io);
  if (command === 'status') return untilInterrupted(command, status(invocation, env, io, records, prompt), io);
  if (command === 'access') return untilInterrupted(command, access(config, invocation, records, prompt, env, io), io);
  if (command === 'elevate' || command === 'revoke') {
    return untilInterrupted(command, runJit({ command, ...invocation.jit }, config, { records, locks: lockStoreFor(config.state, PROJECT_ROOT, env) }, env, io), io);
  }

  const instance = invocation.instance!;
  let previous: DeployRecord | undefined;
  try {
    previous = await Promise.race([records.read(instance), whenAborted(io.signal)]);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    io.print(`[${instance}] ${invocation.command} ${error.message}: stopped before any change.`);
    return error.exitCode;
  }
  // The provisioners always pass their input; only rotation may take it from the record.
  const input = invocation.command === 'rotate-token' ? inputFor(instance, env, previous, records) : providedInput(instance, env);
  const steps = phase(command);
  if (invocation.dryRun) {
    io.print(`${invocation.command} for ${input.instance} (${input.partition}, ${input.region}, ${input.identityStoreId}, tenant ${input.tenantId}), dry run:`);
    steps.forEach((step, i) => io.print(`  ${i + 1}. ${step.label} — not Terraform: ${step.why}`));
    return 0;
  }
  let release: () => Promise<void>;
  try {
    release = await Promise.race([acquireRunLock(lockStoreFor(config.state, PROJECT_ROOT, env), instance, { command: invocation.command, log: io.print, waitMs: io.lockWaitMs }), whenAborted(io.signal)]);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    io.print(`[${instance}] ${invocation.command} ${error.message} while taking the run lock: stopped before any change.`);
    return error.exitCode;
  }
  try {
    const ctx = contextFor(input, prompt, env, io, previous, { adoptIdentitySource: invocation.adoptIdentitySource });
    const run = async () => {
      const report = await runPhase(invocation.command, steps, ctx, io.print);
      if (report.ok) await keepRecord(invocation.command, ctx, records, io);
      return report.ok ? 0 : 1;
    };
    return await Promise.race([run(), whenAborted(io.signal)]);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    io.print(`[${instance}] ${invocation.command} ${error.message}: stopped. Each step reads before it writes, so running "${invocation.command}" again continues where this stopped.`);
    return error.exitCode;
  } finally {
    await release();
  }
}

if (require.main === module) {
  const controller = new AbortController();
  abortOnSignals(controller);
  abortWhenOrphaned(controller);
  main(process.argv.slice(2), process.env, { print: (line) => console.log(line), signal: controller.signal }).then(
    // An interrupted step may still have a request or a timer pending: end the process, not just the run.
    (code) => (controller.signal.aborted ? process.exit(code) : (process.exitCode = code)),
    (error) => {
      console.error(error instanceof UsageError ? error.message : explain(error));
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
