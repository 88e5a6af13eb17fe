/**
 * One client for the console-only AWS JSON APIs (reference/aws-console-apis.md): SigV4 with
 * @smithy/signature-v4, the same credential chain as the stacks' profile, endpoint overridable by
 * the standard AWS_ENDPOINT_URL. Every operation here is undocumented: callers validate answers.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

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
}

export class SignedJsonClient {
  constructor(private readonly options: SignedJsonClientOptions) {}

  async call<T = any>(service: ConsoleService, operation: string, body: object): Promise<T> {
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
      },
      body: text,
    });
    const signer = new SignatureV4({ service: service.signingName, region: this.options.region, credentials: this.options.credentials, sha256: Sha256 });
    const signed = await signer.sign(request);
    const url = `${base.protocol}//${base.host}${service.path}`;
    const response = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: text });
    const answer = await response.text();
    const parsed = answer ? JSON.parse(answer) : {};
    if (!response.ok) {
      const type = String(parsed.__type ?? `HTTP${response.status}`).split('#').pop()!;
      throw new AwsApiError(type, response.status, parsed.message ?? parsed.Message ?? `${operation} failed with HTTP ${response.status}`);
    }
    return parsed as T;
  }
}
