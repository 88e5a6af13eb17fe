/**
 * Microsoft Graph for the federation steps: @microsoft/microsoft-graph-client with an
 * @azure/identity credential, endpoints per national cloud (or an emulator), and a bounded retry
 * for 429 (honouring Retry-After), 5xx and the 404 that follows a create (reference/entra-graph.md).
 */
import { AzureCliCredential, DefaultAzureCredential, TokenCredential } from '@azure/identity';
import { Client, Context, GraphError, HTTPMessageHandler, Middleware, RetryHandler } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { retry, Transience } from '../retry';
import { Secret } from '../secret';

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
  readonly status: { code: string; lastExecution?: { state?: string; timeEnded?: string; error?: { message?: string } | null } | null; quarantine?: { reason?: string; currentBegan?: string } | null };
}

export interface OnDemandResult {
  readonly result: string;
  readonly details: Record<string, unknown>;
}

/** Whether a Graph error is worth another try, and after how long. */
export function graphTransience(afterCreate: boolean) {
  return (error: unknown): Transience => {
    const status = (error as GraphError)?.statusCode;
    if (status === 429) {
      const seconds = Number((error as GraphError).headers?.get?.('retry-after'));
      return { retry: true, afterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined };
    }
    if (status >= 500 || status === -1) return { retry: true };
    if (afterCreate && status === 404) return { retry: true };
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

  constructor(private readonly credential: TokenCredential) {}

  async execute(context: Context): Promise<void> {
    const token = await this.credential.getToken('emulator');
    const headers = new Headers(context.options?.headers as Record<string, string> | undefined);
    headers.set('Authorization', `Bearer ${token?.token}`);
    context.options = { ...context.options, headers: Object.fromEntries(headers) };
    return this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** The Graph SDK client for a cloud's (or the emulator's) Graph endpoint. */
export function graphClient(endpoints: EntraEndpoints, credential: TokenCredential): Client {
  const baseUrl = `${endpoints.graph}/`;
  if (LOOPBACK.test(endpoints.graph)) {
    const [retrying, bearer] = [new RetryHandler(), new LoopbackBearer(credential)];
    retrying.setNext(bearer);
    bearer.setNext(new HTTPMessageHandler());
    return Client.initWithMiddleware({ middleware: retrying, baseUrl, defaultVersion: 'v1.0' });
  }
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [`${endpoints.graph}/.default`] });
  // The SDK sends the token only to hosts it knows as Graph's: a national cloud's host is named.
  return Client.initWithMiddleware({ authProvider, baseUrl, defaultVersion: 'v1.0', customHosts: new Set([new URL(endpoints.graph).hostname]) });
}

export class GraphApi {
  private readonly client: Client;

  constructor(
    readonly endpoints: EntraEndpoints,
    credential: TokenCredential,
    private readonly timeoutMs = 120_000,
  ) {
    this.client = graphClient(endpoints, credential);
  }

  private call<T>(description: string, work: (client: Client) => Promise<T>, afterCreate = false): Promise<T> {
    return retry(() => work(this.client), { description, timeoutMs: this.timeoutMs, classify: graphTransience(afterCreate) });
  }

  getServicePrincipal(id: string): Promise<ServicePrincipal> {
    return this.call(`service principal ${id} is readable`, (c) => c.api(`/servicePrincipals/${id}`).select('appId,preferredTokenSigningKeyThumbprint,keyCredentials').get(), true);
  }

  async setPreferredTokenSigningKey(id: string, thumbprint: string): Promise<void> {
    await this.call('the signing certificate is set active', (c) => c.api(`/servicePrincipals/${id}`).patch({ preferredTokenSigningKeyThumbprint: thumbprint }));
  }

  getApplication(objectId: string): Promise<{ identifierUris: string[]; web: { redirectUris: string[] } }> {
    return this.call(`application ${objectId} is readable`, (c) => c.api(`/applications/${objectId}`).select('identifierUris,web').get(), true);
  }

  async defaultDomain(): Promise<string> {
    const { value } = await this.call('the tenant domains are readable', (c) => c.api('/domains').get());
    const domain = (value as { id: string; isDefault: boolean }[]).find((d) => d.isDefault);
    if (!domain) throw new Error('The Entra tenant reports no default domain');
    return domain.id;
  }

  async listSyncJobs(spId: string): Promise<SyncJob[]> {
    return (await this.call('the synchronization jobs are readable', (c) => c.api(`/servicePrincipals/${spId}/synchronization/jobs`).get(), true)).value;
  }

  async listSyncTemplates(spId: string): Promise<{ id: string; factoryTag?: string }[]> {
    return (await this.call('the synchronization templates are readable', (c) => c.api(`/servicePrincipals/${spId}/synchronization/templates`).get(), true)).value;
  }

  createSyncJob(spId: string, templateId: string): Promise<SyncJob> {
    return this.call('the synchronization job is created', (c) => c.api(`/servicePrincipals/${spId}/synchronization/jobs`).post({ templateId }));
  }

  getSyncJob(spId: string, jobId: string): Promise<SyncJob> {
    return this.call(`synchronization job ${jobId} is readable`, (c) => c.api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}`).get(), true);
  }

  /** The outbound user rule of the job's schema: the ruleId provision on demand needs. */
  async outboundUserRuleId(spId: string, jobId: string): Promise<string> {
    const schema = await this.call('the synchronization schema is readable', (c) => c.api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/schema`).get(), true);
    const rule = (schema.synchronizationRules as any[]).find((r) => (r.objectMappings ?? []).some((m: any) => m.sourceObjectName === 'User' && m.enabled !== false));
    if (!rule) throw new Error(`The synchronization schema of job ${jobId} has no rule for users`);
    return rule.id;
  }

  /** The only place the SCIM token is revealed: into the body of this request. */
  async putSyncSecrets(spId: string, scimEndpoint: string, token: Secret): Promise<void> {
    const value = [
      { key: 'BaseAddress', value: scimEndpoint },
      { key: 'SecretToken', value: token.reveal() },
    ];
    await this.call('the provisioning credentials are saved', (c) => c.api(`/servicePrincipals/${spId}/synchronization/secrets`).put({ value }));
  }

  /** The console's "Test Connection" with the saved credentials: 204 means they work. */
  async savedCredentialsWork(spId: string, jobId: string): Promise<boolean> {
    try {
      await this.call('the connection test answers', (c) => c.api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/validateCredentials`).post({ useSavedCredentials: true }));
      return true;
    } catch (error) {
      if ((error as GraphError).statusCode === 400) return false;
      throw error;
    }
  }

  async startJob(spId: string, jobId: string): Promise<void> {
    await this.call('the synchronization job starts', (c) => c.api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/start`).post({}));
  }

  async pauseJob(spId: string, jobId: string): Promise<void> {
    await this.call('the synchronization job pauses', (c) => c.api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/pause`).post({}));
  }

  /** The response's `key` holds the verdict as JSON ({"result":"Success"|"Skipped"|"Failure", details}). */
  async provisionOnDemand(spId: string, jobId: string, ruleId: string, userObjectId: string): Promise<OnDemandResult> {
    const answer = await this.call('on-demand provisioning answers', (c) =>
      c.api(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}/provisionOnDemand`).post({
        parameters: [{ ruleId, subjects: [{ objectId: userObjectId, objectTypeName: 'User' }] }],
      }),
    );
    const verdict = JSON.parse(answer.key ?? '{}');
    return { result: String(verdict.result ?? 'Unknown'), details: verdict.details ?? {} };
  }

  /** The app's federation metadata document (guide step 3.2.7), from the login host, not Graph. */
  federationMetadata(tenantId: string, appId: string): Promise<string> {
    const url = `${this.endpoints.login}/${tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid=${appId}`;
    return this.call(
      `the federation metadata of app ${appId} is served`,
      async () => {
        const response = await fetch(url);
        if (!response.ok) throw Object.assign(new Error(`GET ${url} answered HTTP ${response.status}`), { statusCode: response.status, headers: response.headers });
        return response.text();
      },
      true,
    );
  }
}
