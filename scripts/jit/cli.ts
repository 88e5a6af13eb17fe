import type { TokenCredential } from '@azure/identity';
import { AppConfig } from '../../app-config/schema';
import { loadFederationContext } from '../../app-config/context';
import { defaultCredential, entraEndpoints } from '../clients/graph';
import { RecordStore } from '../deploy-record';
import { LockStore } from '../run-lock';
import { elevate, JitError, revoke } from './elevate';
import { jitTargets } from './targets';
import { jitCredential, jitGraph, JIT_APP_NAME } from './sign-in';

export interface JitInvocation {
  readonly command: 'elevate' | 'revoke';
  /** The privileged group; the config's only one when not given. */
  readonly group?: string;
  readonly duration?: string;
  readonly justification?: string;
  /** The one instance to change (--instance); both when not given. */
  readonly instance?: string;
  /** Sign in in the system browser (redirect to http://localhost) instead of with a device code. */
  readonly browser?: boolean;
}

export interface JitIo {
  readonly print: (line: string) => void;
  /** The user's own credential (tests); by default the sign-in through the JIT app registration, or the emulator's user token. */
  readonly credential?: TokenCredential;
  readonly contextFile?: string;
  readonly lockWaitMs?: number;
}

/** `npm run elevate -- --justification "…" [--duration PT1H] [--group AWS-Admins]` and `npm run revoke`. */
export async function runJit(invocation: JitInvocation, config: AppConfig, stores: { records: RecordStore; locks: LockStore }, env: NodeJS.ProcessEnv, io: JitIo): Promise<number> {
  const groups = config.pim.privilegedGroups;
  const privileged = invocation.group ? groups.find((g) => g.group === invocation.group) : groups.length === 1 ? groups[0] : undefined;
  if (!privileged) throw new JitError(`name the privileged group with --group (one of ${groups.map((g) => g.group).join(', ') || 'none: add one to config.ts pim.privilegedGroups'})`);
  const instances = invocation.instance ? [invocation.instance] : undefined;
  const { targets, app } = await jitTargets({ config, privileged, ...stores, context: loadFederationContext(io.contextFile), env, command: invocation.command, print: io.print, lockWaitMs: io.lockWaitMs, instances });
  const endpoints = entraEndpoints(config.entra.environment, env);
  // Delegated: the user's own sign-in through the JIT app registration (scripts/jit/sign-in.ts), never
  // the deployment's service principal (PIM self-activation is delegated only) nor az login (no PIM scope).
  const signIn = () => {
    if (env.GRAPH_EMULATOR_TOKEN) return defaultCredential({ ...env, AZURE_CLIENT_ID: undefined });
    if (!app) throw new JitError(`The last deploy recorded no app registration "${JIT_APP_NAME}" to sign in through: run \`npm run deploy\` (as a Privileged Role Administrator), which creates it and grants its admin consent.`);
    return jitCredential(app, endpoints, { browser: invocation.browser, print: io.print });
  };
  const options = { print: io.print, targets };
  try {
    const graph = jitGraph(endpoints, io.credential ?? signIn());
    if (invocation.command === 'revoke') await revoke({ ...options, graph });
    else await elevate({ duration: invocation.duration ?? 'PT1H', justification: invocation.justification ?? '', maximumDuration: privileged.activation.maximumDuration }, { ...options, graph });
    return 0;
  } catch (error) {
    if (!(error instanceof JitError)) throw error;
    io.print(error.message);
    return 1;
  }
}
