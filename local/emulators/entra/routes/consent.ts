/**
 * Delegated permission grants (admin or user consent): Graph oauth2permissiongrant-post / -list /
 * -update / -delete, the calls of azuread_service_principal_delegated_permission_grant (v3.7.0).
 */
import { randomBytes } from 'node:crypto';
import { ServicePrincipal } from '../directory';
import { badRequest, existing, filtered, notFound, RouteContext } from './common';

export function consentRoutes(ctx: RouteContext, v: string): void {
  const d = ctx.directory;
  ctx.route('GET', `${v}/oauth2PermissionGrants`, (_, __, url) => ({ value: filtered([...d.oauth2PermissionGrants.values()], url) }));
  ctx.route('GET', `${v}/oauth2PermissionGrants/{id}`, ([id]) => existing(d.oauth2PermissionGrants.get(id), id));
  ctx.route('POST', `${v}/oauth2PermissionGrants`, (_, body) => {
    for (const id of [body.clientId, body.resourceId]) if (!d.servicePrincipal(id)) throw notFound(id);
    if (body.consentType !== 'AllPrincipals' && body.consentType !== 'Principal') throw badRequest("consentType must be 'AllPrincipals' or 'Principal'.");
    const resource = d.servicePrincipal(body.resourceId) as ServicePrincipal & { oauth2PermissionScopes?: { value: string }[] };
    const scopes = String(body.scope ?? '').split(' ').filter(Boolean);
    // A grant names scopes the resource exposes. unverified: Graph's exact answer for one it does not.
    const unknown = scopes.find((s) => !(resource.oauth2PermissionScopes ?? []).some((p) => p.value === s));
    if (unknown) throw badRequest(`The scope '${unknown}' is not a delegated permission of ${resource.displayName}.`);
    const grant = { id: randomBytes(24).toString('base64url'), clientId: body.clientId, consentType: body.consentType, principalId: body.consentType === 'Principal' ? body.principalId : null, resourceId: body.resourceId, scope: scopes.join(' ') };
    d.oauth2PermissionGrants.set(grant.id, grant);
    return [201, grant];
  });
  ctx.route('PATCH', `${v}/oauth2PermissionGrants/{id}`, ([id], body) => {
    const grant = existing(d.oauth2PermissionGrants.get(id), id);
    if (typeof body.scope === 'string') grant.scope = body.scope.split(' ').filter(Boolean).join(' ');
    return [204];
  });
  ctx.route('DELETE', `${v}/oauth2PermissionGrants/{id}`, ([id]) => (d.oauth2PermissionGrants.delete(id) ? [204] : Promise.reject(notFound(id))));
}
