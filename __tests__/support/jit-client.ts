import { GraphRequest } from './entra-graph';

/** Microsoft Graph's application id (azuread docs, azuread_application_published_app_ids: MicrosoftGraph). */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * The delegated scopes elevate and revoke need, written out here from the Graph permission pages
 * (not imported from the product): /me User.Read; assignmentScheduleRequests
 * PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup; list jobs, schema and provisionOnDemand
 * Synchronization.ReadWrite.All (the only delegated scope provisionOnDemand accepts).
 */
export const JIT_SCOPES = ['User.Read', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'Synchronization.ReadWrite.All'];

/** A public client app with these delegated Graph scopes and an admin consent for all users, as an administrator registers it. */
export async function registerPublicClient(graph: GraphRequest, scopes: readonly string[] = JIT_SCOPES, consented: readonly string[] = scopes): Promise<{ appId: string; servicePrincipalId: string }> {
  const [msgraph] = (await graph('GET', `/servicePrincipals?$filter=appId eq '${MICROSOFT_GRAPH_APP_ID}'`)).body.value;
  const scopeId = (value: string) => msgraph.oauth2PermissionScopes.find((s: { value: string }) => s.value === value).id;
  const app = (
    await graph('POST', '/applications', {
      displayName: `jit client ${Math.random().toString(36).slice(2, 8)}`,
      isFallbackPublicClient: true,
      publicClient: { redirectUris: ['http://localhost'] },
      requiredResourceAccess: [{ resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccess: scopes.map((s) => ({ id: scopeId(s), type: 'Scope' })) }],
    })
  ).body;
  const sp = (await graph('POST', '/servicePrincipals', { appId: app.appId })).body;
  if (consented.length) await graph('POST', '/oauth2PermissionGrants', { clientId: sp.id, consentType: 'AllPrincipals', resourceId: msgraph.id, scope: consented.join(' ') });
  return { appId: app.appId, servicePrincipalId: sp.id };
}
