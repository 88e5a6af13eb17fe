import { Construct } from 'constructs';
import { Application } from '@cdktf/provider-azuread/lib/application';
import { DataAzureadServicePrincipal } from '@cdktf/provider-azuread/lib/data-azuread-service-principal';
import { ServicePrincipal } from '@cdktf/provider-azuread/lib/service-principal';
import { ServicePrincipalDelegatedPermissionGrant } from '@cdktf/provider-azuread/lib/service-principal-delegated-permission-grant';
// The scopes and why each is the least: app-model/jit.ts; scripts/jit/sign-in.ts asks for the same list.
import { JIT_SCOPES } from '../app-model/jit';

/** Microsoft Graph's application id, the same in every tenant (azuread docs, service_principal_delegated_permission_grant example). */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export interface EntraJitClientProps {
  readonly displayName: string;
}

/**
 * The app registration the JIT commands sign the user in through. `az login` cannot serve: the Azure
 * CLI's first-party client is not preauthorized for PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup and
 * a tenant cannot consent to it (Azure/azure-cli issues 30149 and 33778, AADSTS65002).
 * - a public client: fallback_public_client_enabled for the device code flow, http://localhost for the
 *   browser flow (application_resource.go: isFallbackPublicClient, publicClient.redirectUris);
 * - the scope ids read from the tenant's Microsoft Graph service principal at plan time
 *   (service_principal_data_source.go, oauth2_permission_scope_ids), never written out;
 * - admin consent for all users in Terraform: a delegated permission grant without user_object_id
 *   (service_principal_delegated_permission_grant_resource.go: consentType AllPrincipals), so nobody
 *   is asked to consent and nothing more than the list is granted.
 */
export class EntraJitClient extends Construct {
  readonly clientId: string;

  constructor(scope: Construct, id: string, props: EntraJitClientProps) {
    super(scope, id);
    const graph = new DataAzureadServicePrincipal(this, 'microsoft_graph', { clientId: MICROSOFT_GRAPH_APP_ID });
    const app = new Application(this, 'app', {
      displayName: props.displayName,
      fallbackPublicClientEnabled: true,
      publicClient: { redirectUris: ['http://localhost'] },
      requiredResourceAccess: [{ resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccess: JIT_SCOPES.map((name) => ({ id: graph.oauth2PermissionScopeIds.lookup(name), type: 'Scope' })) }],
    });
    const sp = new ServicePrincipal(this, 'service_principal', { clientId: app.clientId });
    new ServicePrincipalDelegatedPermissionGrant(this, 'admin_consent', {
      servicePrincipalObjectId: sp.objectId,
      resourceServicePrincipalObjectId: graph.objectId,
      claimValues: [...JIT_SCOPES],
    });
    this.clientId = app.clientId;
  }
}
