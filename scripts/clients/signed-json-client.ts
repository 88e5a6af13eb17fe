/**
 * One client for the console-only AWS JSON APIs: SigV4 with @smithy/signature-v4, the same
 * credential chain as the stacks' profile, endpoint overridable by the standard AWS_ENDPOINT_URL.
 * Every operation here is undocumented: callers validate answers. Throttling, 5xx and a hung
 * connection are retried through scripts/retry.ts, each attempt with its own time limit.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { retry, RetryOptions, Transience } from '../retry';
import { PRODUCT_AGENT } from './product-agent';

export interface ConsoleService {
  readonly signingName: string;
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  readonly path: string;
  /** The public host for a region; GovCloud hosts follow the same pattern (not verified). */
  readonly host: (region: string) => string;
}

/** Provisioning tenants and SCIM bearer tokens (guide step 4.2). */
export const IDENTITY_STORE_PROVISIONING: ConsoleService = {
  signingName: 'identitystore',
  targetPrefix: 'AWSIdentityStoreService',
  jsonVersion: '1.1',
  path: '/identitystore/',
  host: (region) => `up.sso.${region}.amazonaws.com`,
};

/** SP SAML configuration and the external IdP identity source (guide steps 3.1 and 3.3). */
export const APPS_AUTH: ConsoleService = {
  signingName: 'appsauth',
  targetPrefix: 'AppsAuthControlPlaneService',
  jsonVersion: '1.0',
  path: '/',
  host: (region) => `auth-control.${region}.prod.apps-auth.aws.a2z.com`,
};

export class AwsApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = type;
  }
}

export interface SignedJsonClientOptions {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Overrides the public host, as AWS_ENDPOINT_URL does for the SDKs. */
  readonly endpoint?: string;
  readonly retry?: Pick<RetryOptions, 'timeoutMs' | 'attemptTimeoutMs' | 'initialDelayMs'>;
}

// The SDKs' throttling codes that these services answer (@smithy/core's THROTTLING_ERROR_CODES).
const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling']);

/** Throttling, 429 (after its Retry-After), 5xx and a dropped connection are worth another try. */
export function consoleTransience(error: unknown): Transience {
  if (error instanceof AwsApiError) {
    if (!THROTTLING.has(error.type) && error.status !== 429 && error.status < 500) return { retry: false };
    return { retry: true, afterMs: error.retryAfterMs };
  }
  // fetch reports a reset or refused connection as a TypeError ("fetch failed") with the cause.
  return { retry: error instanceof TypeError };
}

// Console calls answer in well under a second; 30 s is room for a slow one, and the whole
// wait stays within the two minutes Graph calls get (scripts/clients/graph.ts).
const DEFAULT_RETRY = { timeoutMs: 120_000, attemptTimeoutMs: 30_000 };

export class SignedJsonClient {
  constructor(private readonly options: SignedJsonClientOptions) {}

  call<T = any>(service: ConsoleService, operation: string, body: object): Promise<T> {
    const description = `${service.targetPrefix}.${operation} answers`;
    return retry((signal) => this.attempt<T>(service, operation, body, signal), { description, classify: consoleTransience, ...DEFAULT_RETRY, ...this.options.retry });
  }

  private async attempt<T>(service: ConsoleService, operation: string, body: object, signal: AbortSignal): Promise<T> {
    const base = new URL(this.options.endpoint ?? `https://${service.host(this.options.region)}`);
    const text = JSON.stringify(body);
    const request = new HttpRequest({
      method: 'POST',
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path: service.path,
      headers: {
        host: base.host,
        'content-type': `application/x-amz-json-${service.jsonVersion}`,
        'x-amz-target': `${service.targetPrefix}.${operation}`,
        // SigV4 leaves user-agent unsigned; it names the product as the SDKs' app id does.
        'user-agent': `app/${PRODUCT_AGENT}`,
      },
      body: text,
    });
    const signer = new SignatureV4({ service: service.signingName, region: this.options.region, credentials: this.options.credentials, sha256: Sha256 });
    const signed = await signer.sign(request);
    const url = `${base.protocol}//${base.host}${service.path}`;
    const response = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: text, signal });
    const answer = await response.text();
    const parsed = answer ? JSON.parse(answer) : {};
    if (!response.ok) {
      const type = String(parsed.__type ?? `HTTP${response.status}`).split('#').pop()!;
      throw new AwsApiError(type, response.status, parsed.message ?? parsed.Message ?? `${operation} failed with HTTP ${response.status}`, retryAfterMs(response.headers));
    }
    return parsed as T;
  }
}

/** Retry-After in seconds, as HTTP says (RFC 9110 §10.2.3); a date form is left to the backoff. */
export function retryAfterMs(headers: Headers): number | undefined {
  const seconds = Number(headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
