import type { TokenCredential } from '@azure/identity';
import { AppConfig } from '../../app-config/schema';
import { loadFederationContext } from '../../app-config/context';
import { defaultCredential, entraEndpoints, GraphApi } from '../clients/graph';
import { RecordStore } from '../deploy-record';
import { LockStore } from '../run-lock';
import { elevate, JitError, revoke } from './elevate';
import { jitTargets } from './targets';

export interface JitInvocation {
  readonly command: 'elevate' | 'revoke';
  /** The privileged group; the config's only one when not given. */
  readonly group?: string;
  readonly duration?: string;
  readonly justification?: string;
}

export interface JitIo {
  readonly print: (line: string) => void;
  /** The user's own credential; `az login` as a person (AzureCliCredential) or the emulator's user token by default. */
  readonly credential?: TokenCredential;
  readonly contextFile?: string;
  readonly lockWaitMs?: number;
}

/** `npm run elevate -- --justification "…" [--duration PT1H] [--group AWS-Admins]` and `npm run revoke`. */
export async function runJit(invocation: JitInvocation, config: AppConfig, stores: { records: RecordStore; locks: LockStore }, env: NodeJS.ProcessEnv, io: JitIo): Promise<number> {
  const groups = config.pim.privilegedGroups;
  const privileged = invocation.group ? groups.find((g) => g.group === invocation.group) : groups.length === 1 ? groups[0] : undefined;
  if (!privileged) throw new JitError(`name the privileged group with --group (one of ${groups.map((g) => g.group).join(', ') || 'none: add one to config.ts pim.privilegedGroups'})`);
  const targets = await jitTargets({ config, privileged, ...stores, context: loadFederationContext(io.contextFile), env, command: invocation.command, print: io.print, lockWaitMs: io.lockWaitMs });
  // Delegated: the user's own sign-in, never the deployment's service principal (PIM self-activation is delegated only).
  const graph = new GraphApi(entraEndpoints(config.entra.environment, env), io.credential ?? defaultCredential({ ...env, AZURE_CLIENT_ID: undefined }));
  const options = { graph, targets, print: io.print };
  try {
    if (invocation.command === 'revoke') await revoke(options);
    else await elevate({ duration: invocation.duration ?? 'PT1H', justification: invocation.justification ?? '', maximumDuration: privileged.activation.maximumDuration }, options);
    return 0;
  } catch (error) {
    if (!(error instanceof JitError)) throw error;
    io.print(error.message);
    return 1;
  }
}
