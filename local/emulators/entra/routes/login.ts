/** The login host: federation metadata and the sign-in a browser would do. */
import { federationMetadata, signedResponse } from '../saml-idp';
import { GraphFault, notFound, RouteContext } from './common';

export function loginRoutes(ctx: RouteContext): void {
  const d = ctx.directory;
  ctx.route('GET', '/{tenant}/federationmetadata/2007-06/federationmetadata.xml', ([tenant], _, url) => {
    const sp = tenant === d.tenantId ? d.servicePrincipalOfApp(url.searchParams.get('appid') ?? '') : undefined;
    if (!sp) throw notFound(url.searchParams.get('appid') ?? 'appid');
    return ['xml', federationMetadata(d.tenantId, sp, ctx.baseUrl())];
  });
  ctx.route('POST', '/{tenant}/saml2/emulator-signin', ([tenant], body) => {
    const sp = tenant === d.tenantId ? d.servicePrincipalOfApp(body.appId) : undefined;
    const app = [...d.applications.values()].find((a) => a.appId === body.appId);
    const user = [...d.users.values()].find((u) => u.userPrincipalName === body.userPrincipalName);
    if (!sp || !app || !user) throw notFound('application or user');
    if (sp.appRoleAssignmentRequired && !d.assignedUsers(sp.id).includes(user)) {
      throw new GraphFault(403, 'AADSTS50105', `The signed in user '${user.userPrincipalName}' is not assigned to a role for the application.`);
    }
    const policies = sp.claimsMappingPolicyIds.map((p) => d.policies.get(p)!).filter(Boolean);
    return [200, signedResponse(d.tenantId, app, sp, user, policies)];
  });
}
