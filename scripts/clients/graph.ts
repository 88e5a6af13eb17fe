/**
 * Microsoft Graph for the product, the one import path of its Graph client. GraphApi holds every
 * call the product makes in three members, one per concern, and callers go through them
 * (`graph.directory.me()`, `graph.synchronization.listSyncJobs(...)`, `graph.pim.pimSchedules(...)`):
 * - graph-transport.ts: endpoints per national cloud (or an emulator), the credential, the SDK
 *   client without its RetryHandler, and the one bounded retry (scripts/retry.ts) every call goes through;
 * - graph-directory.ts, `directory`: service principals, applications, domains, group members,
 *   objects by name, the signed-in user, the federation metadata;
 * - graph-synchronization.ts, `synchronization`: provisioning jobs, their secrets, and provisioning on demand;
 * - graph-pim.ts, `pim`: PIM for Groups schedules and the user's own activation.
 */
import { TokenCredential } from '@azure/identity';
import { DirectoryApi } from './graph-directory';
import { PimApi } from './graph-pim';
import { SynchronizationApi } from './graph-synchronization';
import { EntraEndpoints, GRAPH_RETRY, GraphCalls, GraphRetry } from './graph-transport';

export { defaultCredential, entraEndpoints, graphClient, graphTransience } from './graph-transport';
export type { EntraEndpoints, GraphRetry } from './graph-transport';
export { keyWithThumbprint } from './graph-directory';
export type { DirectoryApi, KeyCredential, ServicePrincipal } from './graph-directory';
export type { OnDemandResult, SyncExecution, SyncJob, SynchronizationApi } from './graph-synchronization';
export type { PimApi, PimSchedule, ScheduleRequest } from './graph-pim';

export class GraphApi {
  readonly directory: DirectoryApi;
  readonly synchronization: SynchronizationApi;
  readonly pim: PimApi;

  constructor(
    readonly endpoints: EntraEndpoints,
    credential: TokenCredential,
    limits: GraphRetry = GRAPH_RETRY,
    /** The scopes to ask the credential for; `.default` when not given. */
    scopes?: string[],
  ) {
    // One transport for the three: what the client created is known to each (a 404 on a new job is retried).
    const calls = new GraphCalls(endpoints, credential, limits, scopes);
    this.directory = new DirectoryApi(calls);
    this.synchronization = new SynchronizationApi(calls);
    this.pim = new PimApi(calls);
  }
}
