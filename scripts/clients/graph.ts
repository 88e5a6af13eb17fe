/**
 * Microsoft Graph for the product, the one import path of its Graph client. GraphApi offers every
 * call the product makes, each in the file of its concern:
 * - graph-transport.ts: endpoints per national cloud (or an emulator), the credential, the SDK
 *   client without its RetryHandler, and the one bounded retry (scripts/retry.ts) every call goes through;
 * - graph-directory.ts: service principals, applications, domains, group members, objects by name,
 *   the signed-in user, the federation metadata;
 * - graph-synchronization.ts: provisioning jobs, their secrets, and provisioning on demand;
 * - graph-pim.ts: PIM for Groups schedules and the user's own activation.
 */
import { TokenCredential } from '@azure/identity';
import { Secret } from '../secret';
import { DirectoryApi } from './graph-directory';
import { PimApi } from './graph-pim';
import { SynchronizationApi } from './graph-synchronization';
import { EntraEndpoints, GRAPH_RETRY, GraphCalls, GraphRetry } from './graph-transport';

export { defaultCredential, entraEndpoints, graphClient, graphTransience } from './graph-transport';
export type { EntraEndpoints, GraphRetry } from './graph-transport';
export { keyWithThumbprint } from './graph-directory';
export type { KeyCredential, ServicePrincipal } from './graph-directory';
export type { OnDemandResult, SyncExecution, SyncJob } from './graph-synchronization';
export type { PimSchedule, ScheduleRequest } from './graph-pim';

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

  // Directory (graph-directory.ts).
  getServicePrincipal(id: string) {
    return this.directory.getServicePrincipal(id);
  }
  setPreferredTokenSigningKey(id: string, thumbprint: string) {
    return this.directory.setPreferredTokenSigningKey(id, thumbprint);
  }
  getApplication(objectId: string) {
    return this.directory.getApplication(objectId);
  }
  defaultDomain() {
    return this.directory.defaultDomain();
  }
  groupMemberNames(groupId: string) {
    return this.directory.groupMemberNames(groupId);
  }
  idsNamed(kind: 'application' | 'group' | 'user', name: string) {
    return this.directory.idsNamed(kind, name);
  }
  me() {
    return this.directory.me();
  }
  federationMetadata(tenantId: string, appId: string) {
    return this.directory.federationMetadata(tenantId, appId);
  }

  // Provisioning (graph-synchronization.ts).
  listSyncJobs(spId: string) {
    return this.synchronization.listSyncJobs(spId);
  }
  listSyncTemplates(spId: string) {
    return this.synchronization.listSyncTemplates(spId);
  }
  createSyncJob(spId: string, templateId: string) {
    return this.synchronization.createSyncJob(spId, templateId);
  }
  getSyncJob(spId: string, jobId: string) {
    return this.synchronization.getSyncJob(spId, jobId);
  }
  outboundUserRuleId(spId: string, jobId: string) {
    return this.synchronization.outboundUserRuleId(spId, jobId);
  }
  outboundGroupRuleId(spId: string, jobId: string) {
    return this.synchronization.outboundGroupRuleId(spId, jobId);
  }
  putSyncSecrets(spId: string, scimEndpoint: string, token: Secret) {
    return this.synchronization.putSyncSecrets(spId, scimEndpoint, token);
  }
  savedCredentialsWork(spId: string, jobId: string) {
    return this.synchronization.savedCredentialsWork(spId, jobId);
  }
  startJob(spId: string, jobId: string) {
    return this.synchronization.startJob(spId, jobId);
  }
  pauseJob(spId: string, jobId: string) {
    return this.synchronization.pauseJob(spId, jobId);
  }
  provisionOnDemand(spId: string, jobId: string, ruleId: string, userObjectId: string) {
    return this.synchronization.provisionOnDemand(spId, jobId, ruleId, userObjectId);
  }
  provisionGroupOnDemand(spId: string, jobId: string, ruleId: string, groupObjectId: string, memberObjectIds: readonly string[]) {
    return this.synchronization.provisionGroupOnDemand(spId, jobId, ruleId, groupObjectId, memberObjectIds);
  }

  // PIM for Groups (graph-pim.ts).
  pimSchedules(kind: 'eligibilitySchedules' | 'assignmentSchedules', groupId: string) {
    return this.pim.pimSchedules(kind, groupId);
  }
  selfActivateMembership(groupId: string, principalId: string, duration: string, justification: string) {
    return this.pim.selfActivateMembership(groupId, principalId, duration, justification);
  }
  selfDeactivateMembership(groupId: string, principalId: string) {
    return this.pim.selfDeactivateMembership(groupId, principalId);
  }
}
