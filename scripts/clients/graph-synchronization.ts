/**
 * An enterprise app's provisioning through Graph: its synchronization jobs and templates, the
 * schema's rules, the SCIM credentials and their test, start and pause, and provisioning on demand.
 * 403 and 409 on these calls are retried, as terraform-provider-azuread v3.7.0 does.
 */
import { GraphError } from '@microsoft/microsoft-graph-client';
import { Secret } from '../secret';
import { GraphCalls } from './graph-transport';

export interface SyncJob {
  readonly id: string;
  readonly templateId: string;
  /** Graph synchronizationSchedule: state Active, Disabled (never started) or Paused. */
  readonly schedule?: { state?: string; interval?: string; expiration?: string | null } | null;
  readonly status: {
    code: string;
    lastExecution?: SyncExecution | null;
    /** Graph synchronizationStatus: the last cycle that completed without error (what the access report dates membership by). */
    lastSuccessfulExecution?: SyncExecution | null;
    quarantine?: { reason?: string; currentBegan?: string } | null;
  };
}

/** Graph synchronizationTaskExecution. */
export interface SyncExecution {
  readonly state?: string;
  readonly timeBegan?: string;
  readonly timeEnded?: string;
  readonly error?: { message?: string } | null;
}

export interface OnDemandResult {
  readonly result: string;
  readonly details: Record<string, unknown>;
}

export class SynchronizationApi {
  constructor(private readonly graph: GraphCalls) {}

  async listSyncJobs(spId: string): Promise<SyncJob[]> {
    return (await this.graph.call('the synchronization jobs are readable', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs`).get())).value;
  }

  async listSyncTemplates(spId: string): Promise<{ id: string; factoryTag?: string }[]> {
    return (await this.graph.call('the synchronization templates are readable', (api) => api(`/servicePrincipals/${spId}/synchronization/templates`).get())).value;
  }

  async createSyncJob(spId: string, templateId: string): Promise<SyncJob> {
    const job: SyncJob = await this.graph.call('the synchronization job is created', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs`).post({ templateId }), { synchronization: true });
    this.graph.noteCreated(job.id);
    return job;
  }

  getSyncJob(spId: string, jobId: string): Promise<SyncJob> {
    return this.graph.call(`synchronization job ${jobId} is readable`, (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}`).get(), this.graph.onJob(jobId));
  }

  /** The outbound user rule of the job's schema: the ruleId provision on demand needs. */
  outboundUserRuleId(spId: string, jobId: string): Promise<string> {
    return this.outboundRuleId(spId, jobId, 'User');
  }

  /** The rule of the job's schema that maps Entra groups: the ruleId to provision a group on demand with. */
  outboundGroupRuleId(spId: string, jobId: string): Promise<string> {
    return this.outboundRuleId(spId, jobId, 'Group');
  }

  private async outboundRuleId(spId: string, jobId: string, sourceObjectName: 'User' | 'Group'): Promise<string> {
    const schema = await this.graph.call('the synchronization schema is readable', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/schema`).get(), { afterCreate: this.graph.justCreated(jobId) });
    const rule = (schema.synchronizationRules as any[]).find((r) => (r.objectMappings ?? []).some((m: any) => m.sourceObjectName === sourceObjectName && m.enabled !== false));
    if (!rule) throw new Error(`The synchronization schema of job ${jobId} has no rule for ${sourceObjectName.toLowerCase()}s`);
    return rule.id;
  }

  /** The only place the SCIM token is revealed: into the body of this request. */
  async putSyncSecrets(spId: string, scimEndpoint: string, token: Secret): Promise<void> {
    const value = [
      { key: 'BaseAddress', value: scimEndpoint },
      { key: 'SecretToken', value: token.reveal() },
    ];
    await this.graph.call('the provisioning credentials are saved', (api) => api(`/servicePrincipals/${spId}/synchronization/secrets`).put({ value }), { synchronization: true });
  }

  /** The console's "Test Connection" with the saved credentials: 204 means they work. */
  async savedCredentialsWork(spId: string, jobId: string): Promise<boolean> {
    try {
      await this.graph.call('the connection test answers', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/validateCredentials`).post({ useSavedCredentials: true }), { afterCreate: this.graph.justCreated(jobId) });
      return true;
    } catch (error) {
      if ((error as GraphError).statusCode === 400) return false;
      throw error;
    }
  }

  async startJob(spId: string, jobId: string): Promise<void> {
    await this.graph.call('the synchronization job starts', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/start`).post({}), this.graph.onJob(jobId));
  }

  async pauseJob(spId: string, jobId: string): Promise<void> {
    await this.graph.call('the synchronization job pauses', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/pause`).post({}), this.graph.onJob(jobId));
  }

  /** The response's `key` holds the verdict as JSON ({"result":"Success"|"Skipped"|"Failure", details}). */
  provisionOnDemand(spId: string, jobId: string, ruleId: string, userObjectId: string): Promise<OnDemandResult> {
    return this.onDemand(spId, jobId, ruleId, { objectId: userObjectId, objectTypeName: 'User' });
  }

  /**
   * A group and some of its direct members, as Graph provisionOnDemand example 3 sends them
   * (links.members); Microsoft Entra "On-demand provisioning", Known limitations: one group with
   * up to 5 members per request. The caller paces the requests (5 per 10 s, same page).
   */
  provisionGroupOnDemand(spId: string, jobId: string, ruleId: string, groupObjectId: string, memberObjectIds: readonly string[]): Promise<OnDemandResult> {
    const members = memberObjectIds.map((objectId) => ({ objectId, objectTypeName: 'User' }));
    return this.onDemand(spId, jobId, ruleId, { objectId: groupObjectId, objectTypeName: 'Group', links: { members } });
  }

  private async onDemand(spId: string, jobId: string, ruleId: string, subject: Record<string, unknown>): Promise<OnDemandResult> {
    const answer = await this.graph.call('on-demand provisioning answers', (api) =>
      api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/provisionOnDemand`).post({ parameters: [{ ruleId, subjects: [subject] }] }),
      // unverified: how long Graph's provisionOnDemand may take to answer; it provisions before it does.
      { afterCreate: this.graph.justCreated(jobId), slow: true },
    );
    const verdict = JSON.parse(answer.key ?? '{}');
    return { result: String(verdict.result ?? 'Unknown'), details: verdict.details ?? {} };
  }
}
