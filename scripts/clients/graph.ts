/**
 * Microsoft Graph for the federation steps: @microsoft/microsoft-graph-client with an
 * @azure/identity credential, endpoints per national cloud (or an emulator), and one bounded retry
 * (scripts/retry.ts) for 429 (honouring Retry-After), 5xx, a hung call, and the 404 that follows
 * the product's own create. The SDK's RetryHandler is left out of the chain so that retries are
 * not nested (its three tries inside each of ours).
 */
import { AzureCliCredential, DefaultAzureCredential, TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  Context,
  GraphError,
  GraphRequest,
  HTTPMessageHandler,
  Middleware,
  RedirectHandler,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { retry, Transience } from '../retry';
import { Secret } from '../secret';
import { PRODUCT_AGENT } from './product-agent';
import { retryAfterMs } from './signed-json-client';

export interface EntraEndpoints {
  readonly graph: string;
  readonly login: string;
}

const CLOUDS: Record<string, EntraEndpoints> = {
  global: { graph: 'https://graph.microsoft.com', login: 'https://login.microsoftonline.com' },
  usgovernment: { graph: 'https://graph.microsoft.us', login: 'https://login.microsoftonline.us' },
};

/** The national cloud's hosts; GRAPH_ENDPOINT and ENTRA_LOGIN_ENDPOINT point elsewhere (emulators). */
export function entraEndpoints(environment: string, env: NodeJS.ProcessEnv = process.env): EntraEndpoints {
  const cloud = CLOUDS[environment] ?? CLOUDS.global;
  return { graph: env.GRAPH_ENDPOINT ?? cloud.graph, login: env.ENTRA_LOGIN_ENDPOINT ?? cloud.login };
}

/**
 * `az login` on a workstation; in CI (AZURE_CLIENT_ID set) environment or workload identity; and
 * for the local Entra emulator only, the token it issued (GRAPH_EMULATOR_TOKEN).
 */
export function defaultCredential(env: NodeJS.ProcessEnv = process.env): TokenCredential {
  const emulatorToken = env.GRAPH_EMULATOR_TOKEN;
  if (emulatorToken) {
    if (!LOOPBACK.test(env.GRAPH_ENDPOINT ?? '')) {
      throw new Error('GRAPH_EMULATOR_TOKEN is for the local Entra emulator only: set GRAPH_ENDPOINT to its loopback address, or unset the token');
    }
    return { getToken: async () => ({ token: emulatorToken, expiresOnTimestamp: Date.now() + 3600_000 }) };
  }
  return env.AZURE_CLIENT_ID ? new DefaultAzureCredential() : new AzureCliCredential();
}

/** keyCredential.customKeyIdentifier is Edm.Binary (base64 in JSON). */
export interface KeyCredential {
  readonly customKeyIdentifier?: string | null;
  readonly endDateTime: string;
  readonly usage?: string;
}

export interface ServicePrincipal {
  readonly appId: string;
  readonly preferredTokenSigningKeyThumbprint: string | null;
  readonly keyCredentials?: KeyCredential[];
}

/**
 * The public (Verify) key of the token signing certificate with this thumbprint. Graph
 * addTokenSigningCertificate adds a Sign and a Verify key that share customKeyIdentifier, the SHA-1
 * thumbprint as Edm.Binary, i.e. base64 (Graph concept page application-saml-sso-configure-api.md).
 */
export function keyWithThumbprint(keys: readonly KeyCredential[], thumbprint: string): KeyCredential | undefined {
  const wanted = thumbprint.toUpperCase();
  const thumbprintOf = (id: string) => Buffer.from(id, 'base64').toString('hex').toUpperCase();
  return keys.find((k) => k.usage === 'Verify' && k.customKeyIdentifier && thumbprintOf(k.customKeyIdentifier) === wanted);
}

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

/** A PIM for Groups schedule (Graph privilegedAccessGroupEligibilitySchedule / privilegedAccessGroupAssignmentSchedule). */
export interface PimSchedule {
  readonly principalId: string;
  readonly accessId: 'member' | 'owner' | string;
  /** Assignment schedules only: "activated" for a user's own activation, "assigned" for an administrator's. */
  readonly assignmentType?: string;
  readonly status?: string;
  readonly scheduleInfo?: { startDateTime?: string | null; expiration?: { endDateTime?: string | null; type?: string } | null } | null;
}

/** privilegedAccessGroupAssignmentScheduleRequest: status Provisioned, PendingApproval, Revoked, … */
export interface ScheduleRequest {
  readonly id: string;
  readonly status: string;
  readonly targetScheduleId?: string | null;
}

export interface OnDemandResult {
  readonly result: string;
  readonly details: Record<string, unknown>;
}

/**
 * Whether a Graph error is worth another try, and after how long: 429 after its Retry-After, 5xx
 * and a failed connection (-1) always; a 404 only right after a create (replication); 403 and 409
 * on synchronization calls, as terraform-provider-azuread v3.7.0 does
 * (internal/services/synchronization/synchronization.go, synchronizationRetryFunc).
 */
export function graphTransience(afterCreate: boolean, synchronization = false) {
  return (error: unknown): Transience => {
    const status = (error as GraphError)?.statusCode;
    if (status === 429) return { retry: true, afterMs: (error as GraphError).headers ? retryAfterMs((error as GraphError).headers!) : undefined };
    if (status >= 500 || status === -1) return { retry: true };
    if (afterCreate && status === 404) return { retry: true };
    if (synchronization && (status === 403 || status === 409)) return { retry: true };
    return { retry: false };
  };
}

const LOOPBACK = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/;

/**
 * The SDK's AuthenticationHandler sends a token only over https; the local emulator speaks plain
 * http on loopback, so for it alone this middleware adds the emulator's token.
 */
class LoopbackBearer implements Middleware {
  private next?: Middleware;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scopes: string | string[] = 'emulator',
  ) {}

  async execute(context: Context): Promise<void> {
    const token = await this.credential.getToken(this.scopes);
    const headers = new Headers(context.options?.headers as Record<string, string> | undefined);
    headers.set('Authorization', `Bearer ${token?.token}`);
    context.options = { ...context.options, headers: Object.fromEntries(headers) };
    return this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * The Graph SDK client for a cloud's (or the emulator's) Graph endpoint: the SDK's default chain
 * (MiddlewareFactory.getDefaultMiddlewareChain) without its RetryHandler; callers retry.
 */
export function graphClient(endpoints: EntraEndpoints, credential: TokenCredential, scopes?: string[]): Client {
  const baseUrl = `${endpoints.graph}/`;
  if (LOOPBACK.test(endpoints.graph)) {
    return Client.initWithMiddleware({ middleware: [new LoopbackBearer(credential, scopes), new HTTPMessageHandler()], baseUrl, defaultVersion: 'v1.0' });
  }
  // `.default` (every permission consented to the caller) unless the caller names its scopes (scripts/jit/sign-in.ts).
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: scopes ?? [`${endpoints.graph}/.default`] });
  const middleware = [new AuthenticationHandler(authProvider), new RedirectHandler(), new TelemetryHandler(), new HTTPMessageHandler()];
  // The SDK sends the token only to hosts it knows as Graph's: a national cloud's host is named.
  return Client.initWithMiddleware({ middleware, baseUrl, defaultVersion: 'v1.0', customHosts: new Set([new URL(endpoints.graph).hostname]) });
}

export interface GraphRetry {
  /** The whole wait for one call, retries included. */
  readonly timeoutMs: number;
  /** One attempt's limit: a hung connection is abandoned and tried again. */
  readonly attemptTimeoutMs: number;
}

// Graph answers most calls in a second; 30 s is room for a slow one, not a hang.
const GRAPH_RETRY: GraphRetry = { timeoutMs: 120_000, attemptTimeoutMs: 30_000 };

// How long after the product creates an object its 404s are taken for replication lag.
const REPLICATION_WINDOW_MS = 60_000;

/** What a call may be retried for beyond throttling, 5xx and hangs. */
interface CallKind {
  /** The object the call names was created by this client moments ago. */
  readonly afterCreate?: boolean;
  /** A synchronization job or secret call (403 and 409 retried). */
  readonly synchronization?: boolean;
  /** A call that does its work while it answers (provision on demand): the whole wait is its limit. */
  readonly slow?: boolean;
}

type Api = (path: string) => GraphRequest;

export class GraphApi {
  private readonly client: Client;
  /** When this client created each object: a 404 on it is retried only shortly after. */
  private readonly created = new Map<string, number>();

  constructor(
    readonly endpoints: EntraEndpoints,
    credential: TokenCredential,
    private readonly limits: GraphRetry = GRAPH_RETRY,
    /** The scopes to ask the credential for; `.default` when not given. */
    scopes?: string[],
  ) {
    this.client = graphClient(endpoints, credential, scopes);
  }

  /**
   * One Graph call through the project's retry: each attempt's request carries that attempt's
   * AbortSignal and the product's user agent.
   */
  private call<T>(description: string, work: (api: Api) => Promise<T>, kind: CallKind = {}): Promise<T> {
    const classify = graphTransience(kind.afterCreate ?? false, kind.synchronization ?? false);
    const limits = kind.slow ? { ...this.limits, attemptTimeoutMs: this.limits.timeoutMs } : this.limits;
    return retry((signal) => work((path) => this.client.api(path).option('signal', signal).header('User-Agent', PRODUCT_AGENT)), { description, classify, ...limits });
  }

  private justCreated(id: string): boolean {
    return Date.now() - (this.created.get(id) ?? -Infinity) < REPLICATION_WINDOW_MS;
  }

  /** A call on a synchronization job: 403 and 409 retried, and a 404 if the job is new. */
  private onJob(jobId: string): CallKind {
    return { synchronization: true, afterCreate: this.justCreated(jobId) };
  }

  getServicePrincipal(id: string): Promise<ServicePrincipal> {
    return this.call(`service principal ${id} is readable`, (api) => api(`/servicePrincipals/${id}`).select('appId,preferredTokenSigningKeyThumbprint,keyCredentials').get());
  }

  async setPreferredTokenSigningKey(id: string, thumbprint: string): Promise<void> {
    await this.call('the signing certificate is set active', (api) => api(`/servicePrincipals/${id}`).patch({ preferredTokenSigningKeyThumbprint: thumbprint }));
  }

  getApplication(objectId: string): Promise<{ identifierUris: string[]; web: { redirectUris: string[] } }> {
    return this.call(`application ${objectId} is readable`, (api) => api(`/applications/${objectId}`).select('identifierUris,web').get());
  }

  async defaultDomain(): Promise<string> {
    const { value } = await this.call('the tenant domains are readable', (api) => api('/domains').get());
    const domain = (value as { id: string; isDefault: boolean }[]).find((d) => d.isDefault);
    if (!domain) throw new Error('The Entra tenant reports no default domain');
    return domain.id;
  }

  async listSyncJobs(spId: string): Promise<SyncJob[]> {
    return (await this.call('the synchronization jobs are readable', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs`).get())).value;
  }

  async listSyncTemplates(spId: string): Promise<{ id: string; factoryTag?: string }[]> {
    return (await this.call('the synchronization templates are readable', (api) => api(`/servicePrincipals/${spId}/synchronization/templates`).get())).value;
  }

  async createSyncJob(spId: string, templateId: string): Promise<SyncJob> {
    const job: SyncJob = await this.call('the synchronization job is created', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs`).post({ templateId }), { synchronization: true });
    this.created.set(job.id, Date.now());
    return job;
  }

  getSyncJob(spId: string, jobId: string): Promise<SyncJob> {
    return this.call(`synchronization job ${jobId} is readable`, (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}`).get(), this.onJob(jobId));
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
    const schema = await this.call('the synchronization schema is readable', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/schema`).get(), { afterCreate: this.justCreated(jobId) });
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
    await this.call('the provisioning credentials are saved', (api) => api(`/servicePrincipals/${spId}/synchronization/secrets`).put({ value }), { synchronization: true });
  }

  /** The console's "Test Connection" with the saved credentials: 204 means they work. */
  async savedCredentialsWork(spId: string, jobId: string): Promise<boolean> {
    try {
      await this.call('the connection test answers', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/validateCredentials`).post({ useSavedCredentials: true }), { afterCreate: this.justCreated(jobId) });
      return true;
    } catch (error) {
      if ((error as GraphError).statusCode === 400) return false;
      throw error;
    }
  }

  async startJob(spId: string, jobId: string): Promise<void> {
    await this.call('the synchronization job starts', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/start`).post({}), this.onJob(jobId));
  }

  async pauseJob(spId: string, jobId: string): Promise<void> {
    await this.call('the synchronization job pauses', (api) => api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/pause`).post({}), this.onJob(jobId));
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
    const answer = await this.call('on-demand provisioning answers', (api) =>
      api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/provisionOnDemand`).post({ parameters: [{ ruleId, subjects: [subject] }] }),
      // unverified: how long Graph's provisionOnDemand may take to answer; it provisions before it does.
      { afterCreate: this.justCreated(jobId), slow: true },
    );
    const verdict = JSON.parse(answer.key ?? '{}');
    return { result: String(verdict.result ?? 'Unknown'), details: verdict.details ?? {} };
  }

  /**
   * The user principal names of a group's direct members, every page (Graph group-list-members:
   * "direct members"; nested groups are listed as groups, and Entra does not provision them).
   */
  async groupMemberNames(groupId: string): Promise<string[]> {
    const names: string[] = [];
    let page = await this.call(`the members of group ${groupId} are readable`, (api) => api(`/groups/${groupId}/members`).select('id,userPrincipalName').get());
    for (;;) {
      names.push(...(page.value as { '@odata.type'?: string; userPrincipalName?: string }[]).filter((m) => m['@odata.type'] === '#microsoft.graph.user').map((m) => m.userPrincipalName!));
      const next: string | undefined = page['@odata.nextLink'];
      if (!next) return names;
      page = await this.call(`the members of group ${groupId} are readable`, (api) => api(next).get());
    }
  }

  /**
   * PIM for Groups schedules of one group, every page: who is eligible (eligibilitySchedules) and
   * who holds the membership now (assignmentSchedules). Graph privilegedAccessGroup-list-eligibilityschedules
   * and -list-assignmentschedules: the list requires $filter on groupId or principalId.
   */
  async pimSchedules(kind: 'eligibilitySchedules' | 'assignmentSchedules', groupId: string): Promise<PimSchedule[]> {
    const schedules: PimSchedule[] = [];
    const description = `the PIM ${kind} of group ${groupId} are readable`;
    const byGroup = `groupId eq '${groupId}'`;
    // Each path written out, so the permission scan (scripts/permissions/scan.ts) sees both.
    let page = await this.call(description, (api) =>
      kind === 'eligibilitySchedules'
        ? api('/identityGovernance/privilegedAccess/group/eligibilitySchedules').filter(byGroup).get()
        : api('/identityGovernance/privilegedAccess/group/assignmentSchedules').filter(byGroup).get(),
    );
    for (;;) {
      schedules.push(...page.value);
      const next: string | undefined = page['@odata.nextLink'];
      if (!next) return schedules;
      page = await this.call(description, (api) => api(next).get());
    }
  }

  /** The signed-in user of a delegated credential (`az login` as a person). */
  /**
   * Ids of the applications, groups or users with this name ($filter eq on displayName, or on
   * userPrincipalName for users; Graph "List applications", "List groups", "List users"). Each path
   * written out, so the permission scan sees it.
   */
  async idsNamed(kind: 'application' | 'group' | 'user', name: string): Promise<string[]> {
    const quoted = `'${name.replace(/'/g, "''")}'`;
    const answer = await this.call(`${kind}s named ${name} are listed`, (api) =>
      kind === 'application'
        ? api('/applications').filter(`displayName eq ${quoted}`).select('id').get()
        : kind === 'group'
          ? api('/groups').filter(`displayName eq ${quoted}`).select('id').get()
          : api('/users').filter(`userPrincipalName eq ${quoted}`).select('id').get(),
    );
    return (answer.value as { id: string }[]).map((o) => o.id);
  }

  me(): Promise<{ id: string; userPrincipalName: string }> {
    return this.call('the signed-in user is readable', (api) => api('/me').select('id,userPrincipalName').get());
  }

  /**
   * The signed-in user activates or gives up membership of a PIM-enabled group (Graph
   * privilegedaccessgroup-post-assignmentschedulerequests: accessId member, action selfActivate
   * with scheduleInfo and justification, or selfDeactivate). Delegated only. The path written out in
   * each, so the permission scan (scripts/permissions/scan.ts) sees it.
   */
  selfActivateMembership(groupId: string, principalId: string, duration: string, justification: string): Promise<ScheduleRequest> {
    const scheduleInfo = { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration } };
    return this.call(`membership of group ${groupId} is activated`, (api) => api('/identityGovernance/privilegedAccess/group/assignmentScheduleRequests').post({ accessId: 'member', principalId, groupId, action: 'selfActivate', scheduleInfo, justification }));
  }

  selfDeactivateMembership(groupId: string, principalId: string): Promise<ScheduleRequest> {
    return this.call(`membership of group ${groupId} is deactivated`, (api) => api('/identityGovernance/privilegedAccess/group/assignmentScheduleRequests').post({ accessId: 'member', principalId, groupId, action: 'selfDeactivate' }));
  }

  /** The app's federation metadata document (guide step 3.2.7), from the login host, not Graph. */
  federationMetadata(tenantId: string, appId: string): Promise<string> {
    const url = `${this.endpoints.login}/${tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid=${appId}`;
    return retry(
      async (signal) => {
        const response = await fetch(url, { signal, headers: { 'user-agent': PRODUCT_AGENT } });
        if (!response.ok) throw Object.assign(new Error(`GET ${url} answered HTTP ${response.status}`), { statusCode: response.status, headers: response.headers });
        return response.text();
      },
      { description: `the federation metadata of app ${appId} is served`, classify: graphTransience(false), ...this.limits },
    );
  }
}
