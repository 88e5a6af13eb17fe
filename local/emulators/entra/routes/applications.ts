/**
 * Applications and service principals: the gallery template the enterprise app is instantiated from,
 * app registrations without a template (Graph application-post-applications,
 * serviceprincipal-post-serviceprincipals, as azuread_application and azuread_service_principal
 * v3.7.0 call them), the SAML signing certificate, claims mapping policies and app role assignments.
 */
import { randomUUID } from 'node:crypto';
import { AWS_GALLERY_TEMPLATE, keepListedCertificates } from '../directory';
import { base64Der, newSigningKey } from '../saml-idp';
import { badRequest, filterValue, GraphFault, notFound, publicServicePrincipal, RouteContext } from './common';

export function applicationRoutes(ctx: RouteContext, v: string): void {
  const d = ctx.directory;
  ctx.route('GET', `${v}/applicationTemplates`, (_, __, url) => ({ value: [AWS_GALLERY_TEMPLATE].filter((t) => !filterValue(url, 'displayName') || t.displayName === filterValue(url, 'displayName')) }));
  ctx.route('POST', `${v}/applicationTemplates/{id}/instantiate`, ([id], body) => {
    if (id !== AWS_GALLERY_TEMPLATE.id) throw notFound(id);
    const created = d.instantiate(body.displayName);
    return [201, { application: created.application, servicePrincipal: publicServicePrincipal(created.servicePrincipal) }];
  });
  // Graph "List applications": $filter with eq on displayName.
  ctx.route('GET', `${v}/applications`, (_, __, url) => ({ value: [...d.applications.values()].filter((a) => !filterValue(url, 'displayName') || a.displayName === filterValue(url, 'displayName')) }));
  ctx.route('GET', `${v}/applications/{id}`, ([id]) => d.applications.get(id) ?? Promise.reject(notFound(id)));
  ctx.route('PATCH', `${v}/applications/{id}`, ([id], body) => {
    const application = d.applications.get(id);
    if (!application) throw notFound(id);
    const refusal = body.identifierUris && d.identifierUriRefusal(application, body.identifierUris);
    if (refusal) throw new GraphFault(400, 'HostNameNotOnVerifiedDomain', refusal);
    if (body.identifierUris) application.identifierUris = body.identifierUris;
    if (body.web) application.web = { ...application.web, ...body.web };
    if (body.displayName) application.displayName = body.displayName;
    return [204];
  });
  ctx.route('DELETE', `${v}/applications/{id}`, ([id]) => {
    ctx.refuseSamlDelete(d.applications.get(id));
    return d.deleteApplication(id) ? [204] : Promise.reject(notFound(id));
  });
  ctx.route('POST', `${v}/applications`, (_, body) => {
    if (!body.displayName) throw badRequest("Property 'displayName' is required when creating an application.");
    return [201, d.createApplication(body)];
  });

  ctx.route('GET', `${v}/servicePrincipals`, (_, __, url) => ({ value: [d.microsoftGraph, ...d.servicePrincipals.values()].filter((sp) => sp.appId === filterValue(url, 'appId')).map(publicServicePrincipal) }));
  ctx.route('POST', `${v}/servicePrincipals`, (_, body) => {
    if (![...d.applications.values()].some((a) => a.appId === body.appId)) throw badRequest(`The appId '${body.appId}' of the service principal does not reference a valid application object.`);
    // unverified: the exact answer for a second service principal of one app.
    if (d.servicePrincipalOfApp(body.appId)) throw new GraphFault(409, 'Request_MultipleObjectsWithSameKeyValue', 'The service principal cannot be created, updated, or restored because the service principal name is already in use.');
    return [201, publicServicePrincipal(d.createServicePrincipal(body.appId, body.appRoleAssignmentRequired ?? false))];
  });
  ctx.route('GET', `${v}/servicePrincipals/{id}`, ([id]) => publicServicePrincipal(ctx.sp(id)));
  ctx.route('PATCH', `${v}/servicePrincipals/{id}`, ([id], body) => {
    const sp = ctx.sp(id);
    if ('preferredTokenSigningKeyThumbprint' in body && !sp.signingKeys.some((k) => k.thumbprint === body.preferredTokenSigningKeyThumbprint)) {
      throw badRequest('preferredTokenSigningKeyThumbprint does not match a key of this service principal');
    }
    for (const key of ['preferredSingleSignOnMode', 'loginUrl', 'appRoleAssignmentRequired', 'preferredTokenSigningKeyThumbprint'] as const) {
      if (key in body) (sp as any)[key] = body[key];
    }
    if (body.keyCredentials) keepListedCertificates(sp, body.keyCredentials);
    return [204];
  });
  ctx.route('DELETE', `${v}/servicePrincipals/{id}`, ([id]) => {
    const sp = ctx.sp(id);
    ctx.refuseSamlDelete([...d.applications.values()].find((a) => a.appId === sp.appId));
    d.deleteServicePrincipal(sp);
    ctx.stopSync(sp.id);
    return [204];
  });
  ctx.route('POST', `${v}/servicePrincipals/{id}/addTokenSigningCertificate`, async ([id], body) => {
    const sp = ctx.sp(id);
    const key = d.addSigningCertificate(sp, await newSigningKey(body.displayName ?? `CN=${sp.displayName}`, body.endDateTime));
    // Graph addTokenSigningCertificate returns a selfSignedCertificate; its keyId is the Sign key's
    // (provider service_principal_token_signing_certificate_resource.go looks up the Verify key by customKeyIdentifier).
    const customKeyIdentifier = Buffer.from(key.thumbprint, 'hex').toString('base64');
    return [200, { keyId: key.keyId, customKeyIdentifier, thumbprint: key.thumbprint, key: base64Der(key.certificatePem), displayName: key.displayName, endDateTime: key.endDateTime, type: 'AsymmetricX509Cert', usage: 'Verify' }];
  });

  ctx.route('POST', `${v}/policies/claimsMappingPolicies`, (_, body) => {
    const policy = { id: randomUUID(), displayName: body.displayName, definition: body.definition };
    body.definition.forEach((json: string) => JSON.parse(json));
    d.policies.set(policy.id, policy);
    return [201, policy];
  });
  ctx.route('GET', `${v}/policies/claimsMappingPolicies/{id}`, ([id]) => d.policies.get(id) ?? Promise.reject(notFound(id)));
  ctx.route('DELETE', `${v}/policies/claimsMappingPolicies/{id}`, ([id]) => {
    if (!d.policies.delete(id)) throw notFound(id);
    d.servicePrincipals.forEach((sp) => (sp.claimsMappingPolicyIds = sp.claimsMappingPolicyIds.filter((p) => p !== id)));
    return [204];
  });
  ctx.route('GET', `${v}/servicePrincipals/{id}/claimsMappingPolicies`, ([id]) => ({ value: ctx.sp(id).claimsMappingPolicyIds.map((p) => d.policies.get(p)) }));
  ctx.route('POST', `${v}/servicePrincipals/{id}/claimsMappingPolicies/$ref`, ([id], body) => {
    const policyId = String(body['@odata.id']).split('/').pop()!;
    if (!d.policies.has(policyId)) throw notFound(policyId);
    const sp = ctx.sp(id);
    if (sp.claimsMappingPolicyIds.length) throw badRequest('A service principal can have only one claims mapping policy');
    sp.claimsMappingPolicyIds.push(policyId);
    return [204];
  });
  ctx.route('DELETE', `${v}/servicePrincipals/{id}/claimsMappingPolicies/{policyId}/$ref`, ([id, policyId]) => {
    const sp = ctx.sp(id);
    if (!sp.claimsMappingPolicyIds.includes(policyId)) throw notFound(policyId);
    sp.claimsMappingPolicyIds = sp.claimsMappingPolicyIds.filter((p) => p !== policyId);
    return [204];
  });

  ctx.route('GET', `${v}/servicePrincipals/{id}/appRoleAssignedTo`, ([id]) => ({ value: [...d.appRoleAssignments.values()].filter((a) => a.resourceId === ctx.sp(id).id) }));
  ctx.route('POST', `${v}/servicePrincipals/{id}/appRoleAssignedTo`, ([id], body) => {
    const sp = ctx.sp(id);
    const group = d.groups.get(body.principalId);
    if (!d.users.has(body.principalId) && !group) throw notFound(body.principalId);
    // Microsoft Entra "Assign users and groups to an application": groups are assigned when security-enabled.
    // unverified: the exact error Graph answers for a group that is not.
    if (group && !group.securityEnabled) throw badRequest(`Group ${group.id} is not security enabled and cannot be assigned to an application.`);
    if (!sp.appRoles.some((r) => r.id === body.appRoleId)) throw badRequest(`Permission being assigned was not found on application ${sp.appId}`);
    const assignment = { id: randomUUID(), principalId: body.principalId, resourceId: sp.id, appRoleId: body.appRoleId };
    d.appRoleAssignments.set(assignment.id, assignment);
    return [201, assignment];
  });
  ctx.route('DELETE', `${v}/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}`, ([, assignmentId]) => (d.appRoleAssignments.delete(assignmentId) ? [204] : Promise.reject(notFound(assignmentId))));
}
