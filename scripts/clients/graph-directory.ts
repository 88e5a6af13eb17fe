/**
 * Graph's directory for the product: service principals and applications (the SAML signing key,
 * identifier and reply URLs), the tenant's domain, group members, objects by name, the signed-in
 * user, and the app's federation metadata from the login host.
 */
import { retry } from '../retry';
import { GraphCalls, graphTransience } from './graph-transport';
import { PRODUCT_AGENT } from './product-agent';

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

export class DirectoryApi {
  constructor(private readonly graph: GraphCalls) {}

  getServicePrincipal(id: string): Promise<ServicePrincipal> {
    return this.graph.call(`service principal ${id} is readable`, (api) => api(`/servicePrincipals/${id}`).select('appId,preferredTokenSigningKeyThumbprint,keyCredentials').get());
  }

  async setPreferredTokenSigningKey(id: string, thumbprint: string): Promise<void> {
    await this.graph.call('the signing certificate is set active', (api) => api(`/servicePrincipals/${id}`).patch({ preferredTokenSigningKeyThumbprint: thumbprint }));
  }

  getApplication(objectId: string): Promise<{ identifierUris: string[]; web: { redirectUris: string[] } }> {
    return this.graph.call(`application ${objectId} is readable`, (api) => api(`/applications/${objectId}`).select('identifierUris,web').get());
  }

  async defaultDomain(): Promise<string> {
    const { value } = await this.graph.call('the tenant domains are readable', (api) => api('/domains').get());
    const domain = (value as { id: string; isDefault: boolean }[]).find((d) => d.isDefault);
    if (!domain) throw new Error('The Entra tenant reports no default domain');
    return domain.id;
  }

  /**
   * The user principal names of a group's direct members, every page (Graph group-list-members:
   * "direct members"; nested groups are listed as groups, and Entra does not provision them).
   */
  async groupMemberNames(groupId: string): Promise<string[]> {
    const names: string[] = [];
    let page = await this.graph.call(`the members of group ${groupId} are readable`, (api) => api(`/groups/${groupId}/members`).select('id,userPrincipalName').get());
    for (;;) {
      names.push(...(page.value as { '@odata.type'?: string; userPrincipalName?: string }[]).filter((m) => m['@odata.type'] === '#microsoft.graph.user').map((m) => m.userPrincipalName!));
      const next: string | undefined = page['@odata.nextLink'];
      if (!next) return names;
      page = await this.graph.call(`the members of group ${groupId} are readable`, (api) => api(next).get());
    }
  }

  /**
   * Ids of the applications, groups or users with this name ($filter eq on displayName, or on
   * userPrincipalName for users; Graph "List applications", "List groups", "List users"). Each path
   * written out, so the permission scan sees it.
   */
  async idsNamed(kind: 'application' | 'group' | 'user', name: string): Promise<string[]> {
    const quoted = `'${name.replace(/'/g, "''")}'`;
    const answer = await this.graph.call(`${kind}s named ${name} are listed`, (api) =>
      kind === 'application'
        ? api('/applications').filter(`displayName eq ${quoted}`).select('id').get()
        : kind === 'group'
          ? api('/groups').filter(`displayName eq ${quoted}`).select('id').get()
          : api('/users').filter(`userPrincipalName eq ${quoted}`).select('id').get(),
    );
    return (answer.value as { id: string }[]).map((o) => o.id);
  }

  /** The signed-in user of a delegated credential (`az login` as a person). */
  me(): Promise<{ id: string; userPrincipalName: string }> {
    return this.graph.call('the signed-in user is readable', (api) => api('/me').select('id,userPrincipalName').get());
  }

  /** The app's federation metadata document (guide step 3.2.7), from the login host, not Graph. */
  federationMetadata(tenantId: string, appId: string): Promise<string> {
    const url = `${this.graph.endpoints.login}/${tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid=${appId}`;
    return retry(
      async (signal) => {
        const response = await fetch(url, { signal, headers: { 'user-agent': PRODUCT_AGENT } });
        if (!response.ok) throw Object.assign(new Error(`GET ${url} answered HTTP ${response.status}`), { statusCode: response.status, headers: response.headers });
        return response.text();
      },
      { description: `the federation metadata of app ${appId} is served`, classify: graphTransience(false), ...this.graph.limits },
    );
  }
}
