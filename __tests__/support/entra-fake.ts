import { createHash, X509Certificate } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { generate } from 'selfsigned';
import { federationMetadataDocument } from '../../local/emulators/entra/saml-idp';

const GRAPH = 'https://graph.microsoft.com/v1.0';
const LOGIN = 'https://login.microsoftonline.com';

export interface SigningCertificate {
  readonly pem: string;
  readonly base64Der: string;
  readonly thumbprint: string;
}

export async function signingCertificate(commonName = 'Microsoft Azure Federated SSO Certificate'): Promise<SigningCertificate> {
  const { cert } = await generate([{ name: 'commonName', value: commonName }], { keySize: 2048 });
  const der = new X509Certificate(cert).raw;
  return { pem: cert, base64Der: der.toString('base64'), thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase() };
}

/** Entra's per-app federation metadata for these certificates, as the emulator serves it. */
export function federationMetadata(tenantId: string, certificates: SigningCertificate[]): string {
  return federationMetadataDocument(tenantId, certificates.map((c) => c.base64Der), LOGIN);
}

interface EntraUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly givenName: string;
  readonly surname: string;
  readonly displayName: string;
}

/**
 * One Entra tenant with one gallery app, as Graph answers the calls of the federation steps
 * (shapes from the Graph v1.0 reference). Its provisioning really talks SCIM to the saved endpoint
 * with the saved token, so "Test Connection" and provisioning fail when the token is wrong.
 */
export class EntraFake {
  preferredTokenSigningKeyThumbprint: string | null = null;
  identifierUris: string[] = [];
  redirectUris: string[] = [];
  jobs: { id: string; templateId: string; schedule: { state: string; interval: string }; status: { code: string; quarantine?: { reason: string; currentBegan: string } } }[] = [];
  secrets: { key: string; value: string }[] = [];
  certificates: SigningCertificate[] = [];
  writes = 0;

  constructor(
    readonly tenantId: string,
    readonly servicePrincipalId: string,
    readonly applicationObjectId: string,
    readonly appId: string,
    readonly users: EntraUser[],
  ) {}

  /** As Graph lists the app's signing keys: customKeyIdentifier is the thumbprint, base64 (Edm.Binary). */
  private keyCredentials() {
    return this.certificates.map((c) => ({
      customKeyIdentifier: Buffer.from(c.thumbprint, 'hex').toString('base64'),
      endDateTime: new Date(new X509Certificate(c.pem).validTo).toISOString(),
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
    }));
  }

  private secret(key: string): string | undefined {
    return this.secrets.find((s) => s.key === key)?.value;
  }

  private async scim(method: string, path: string, body?: unknown): Promise<Response> {
    // Identity Center's SCIM endpoint ends in a slash (the console shows it so); join without doubling it.
    return fetch(`${this.secret('BaseAddress')!.replace(/\/$/, '')}/${path}`, {
      method,
      headers: { authorization: `Bearer ${this.secret('SecretToken')}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  handlers() {
    const sp = `${GRAPH}/servicePrincipals/${this.servicePrincipalId}`;
    const job = (id: string) => this.jobs.find((j) => j.id === id);
    const write = () => this.writes++;
    return [
      http.get(`${LOGIN}/${this.tenantId}/federationmetadata/2007-06/federationmetadata.xml`, ({ request }) =>
        new URL(request.url).searchParams.get('appid') === this.appId ? HttpResponse.text(federationMetadata(this.tenantId, this.certificates)) : new HttpResponse(null, { status: 404 }),
      ),
      http.get(sp, () => HttpResponse.json({ appId: this.appId, preferredTokenSigningKeyThumbprint: this.preferredTokenSigningKeyThumbprint, keyCredentials: this.keyCredentials() })),
      http.patch(sp, async ({ request }) => {
        write();
        this.preferredTokenSigningKeyThumbprint = ((await request.json()) as any).preferredTokenSigningKeyThumbprint;
        return new HttpResponse(null, { status: 204 });
      }),
      http.get(`${GRAPH}/applications/${this.applicationObjectId}`, () => HttpResponse.json({ identifierUris: this.identifierUris, web: { redirectUris: this.redirectUris } })),
      http.get(`${GRAPH}/domains`, () => HttpResponse.json({ value: [{ id: 'contoso.onmicrosoft.com', isDefault: true }] })),
      http.get(`${sp}/synchronization/templates`, () => HttpResponse.json({ value: [{ id: 'aWSSingleSignon', factoryTag: 'aWSSingleSignon' }] })),
      http.get(`${sp}/synchronization/jobs`, () => HttpResponse.json({ value: this.jobs })),
      http.post(`${sp}/synchronization/jobs`, async ({ request }) => {
        write();
        const { templateId } = (await request.json()) as any;
        // Graph synchronizationStatus / synchronizationSchedule: a new job is NotConfigured, its schedule Disabled.
        const created = { id: `${templateId}.0a1b2c3d.${this.tenantId}`, templateId, schedule: { state: 'Disabled', interval: 'PT40M' }, status: { code: 'NotConfigured' } };
        this.jobs.push(created);
        return HttpResponse.json(created, { status: 201 });
      }),
      http.get(`${sp}/synchronization/jobs/:jobId`, ({ params }) => (job(String(params.jobId)) ? HttpResponse.json(job(String(params.jobId))) : new HttpResponse(null, { status: 404 }))),
      http.get(`${sp}/synchronization/jobs/:jobId/schema`, () =>
        HttpResponse.json({ synchronizationRules: [{ id: '03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8', objectMappings: [{ sourceObjectName: 'User', targetObjectName: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', enabled: true }] }] }),
      ),
      http.put(`${sp}/synchronization/secrets`, async ({ request }) => {
        write();
        this.secrets = ((await request.json()) as any).value;
        return new HttpResponse(null, { status: 204 });
      }),
      http.post(`${sp}/synchronization/jobs/:jobId/validateCredentials`, async () =>
        this.secret('SecretToken') && (await this.scim('GET', 'Users')).ok ? new HttpResponse(null, { status: 204 }) : HttpResponse.json({ error: { code: 'BadRequest', message: 'Invalid credentials' } }, { status: 400 }),
      ),
      http.post(`${sp}/synchronization/jobs/:jobId/start`, ({ params }) => {
        write();
        // Graph synchronizationJob start: resumes a paused job and clears a quarantine.
        Object.assign(job(String(params.jobId))!, { schedule: { state: 'Active', interval: 'PT40M' }, status: { code: 'Active' } });
        return new HttpResponse(null, { status: 204 });
      }),
      http.post(`${sp}/synchronization/jobs/:jobId/pause`, ({ params }) => {
        write();
        Object.assign(job(String(params.jobId))!, { schedule: { state: 'Paused', interval: 'PT40M' }, status: { code: 'Paused' } });
        return new HttpResponse(null, { status: 204 });
      }),
      http.post(`${sp}/synchronization/jobs/:jobId/provisionOnDemand`, async ({ request }) => {
        write();
        const objectId = ((await request.json()) as any).parameters[0].subjects[0].objectId;
        const user = this.users.find((u) => u.id === objectId)!;
        const answer = await this.scim('POST', 'Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: user.userPrincipalName,
          externalId: user.userPrincipalName.split('@')[0],
          displayName: user.displayName,
          name: { givenName: user.givenName, familyName: user.surname },
          emails: [{ value: user.userPrincipalName, type: 'work', primary: true }],
        });
        const result = answer.status === 201 ? 'Success' : answer.status === 409 ? 'Skipped' : 'Failure';
        return HttpResponse.json({ key: JSON.stringify({ result, details: { status: answer.status } }), value: '{}' });
      }),
    ];
  }
}
