/**
 * Microsoft Graph's transport for the product: @microsoft/microsoft-graph-client with an
 * @azure/identity credential, endpoints per national cloud (or an emulator), and one bounded retry
 * (scripts/retry.ts) for 429 (honouring Retry-After), 5xx, a hung call, and the 404 that follows
 * the product's own create. The SDK's RetryHandler is left out of the chain so that retries are
 * not nested (its three tries inside each of ours). The calls themselves are in graph-directory.ts,
 * graph-synchronization.ts and graph-pim.ts; scripts/clients/graph.ts is the one import path.
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
export const GRAPH_RETRY: GraphRetry = { timeoutMs: 120_000, attemptTimeoutMs: 30_000 };

// How long after the product creates an object its 404s are taken for replication lag.
const REPLICATION_WINDOW_MS = 60_000;

/** What a call may be retried for beyond throttling, 5xx and hangs. */
export interface CallKind {
  /** The object the call names was created by this client moments ago. */
  readonly afterCreate?: boolean;
  /** A synchronization job or secret call (403 and 409 retried). */
  readonly synchronization?: boolean;
  /** A call that does its work while it answers (provision on demand): the whole wait is its limit. */
  readonly slow?: boolean;
}

export type Api = (path: string) => GraphRequest;

/** One client's Graph calls: each through the retry, with what this client created and when. */
export class GraphCalls {
  private readonly client: Client;
  /** When this client created each object: a 404 on it is retried only shortly after. */
  private readonly created = new Map<string, number>();

  constructor(
    readonly endpoints: EntraEndpoints,
    credential: TokenCredential,
    readonly limits: GraphRetry = GRAPH_RETRY,
    /** The scopes to ask the credential for; `.default` when not given. */
    scopes?: string[],
  ) {
    this.client = graphClient(endpoints, credential, scopes);
  }

  /**
   * One Graph call through the project's retry: each attempt's request carries that attempt's
   * AbortSignal and the product's user agent.
   */
  call<T>(description: string, work: (api: Api) => Promise<T>, kind: CallKind = {}): Promise<T> {
    const classify = graphTransience(kind.afterCreate ?? false, kind.synchronization ?? false);
    const limits = kind.slow ? { ...this.limits, attemptTimeoutMs: this.limits.timeoutMs } : this.limits;
    return retry((signal) => work((path) => this.client.api(path).option('signal', signal).header('User-Agent', PRODUCT_AGENT)), { description, classify, ...limits });
  }

  /** Notes that this client has just created the object: a 404 on it is replication lag for a while. */
  noteCreated(id: string): void {
    this.created.set(id, Date.now());
  }

  justCreated(id: string): boolean {
    return Date.now() - (this.created.get(id) ?? -Infinity) < REPLICATION_WINDOW_MS;
  }

  /** A call on a synchronization job: 403 and 409 retried, and a 404 if the job is new. */
  onJob(jobId: string): CallKind {
    return { synchronization: true, afterCreate: this.justCreated(jobId) };
  }
}
