import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { RequestLog } from '../aws/gateway';
import { readBody } from '../aws/protocol';
import { FaultLedger, FaultRequest } from '../faults';
import { Application, AWS_GALLERY_TEMPLATE, credentialsOf, Directory, Group, keepListedCertificates, MICROSOFT_GRAPH_APP_ID, ServicePrincipal, User } from './directory';
import { base64Der, federationMetadata, newSigningKey, signedResponse } from './saml-idp';
import { Caller, PimRefusal, PrivilegedAccess } from './pim';
import { Job, ON_DEMAND_MAX_MEMBERS, Outcome, SYNC_TEMPLATE_ID, Synchronization, USER_RULE_ID } from './synchronization';
import { AZURE_CLI_SCOPES, scopeRefusal, scopeRule } from './scopes';

class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The object, or the 404 Graph answers for an id that names none. */
const existing = <T>(object: T | undefined, id: string): T => {
  if (object === undefined) throw notFound(id);
  return object;
};

const notFound = (what: string) => new GraphFault(404, 'Request_ResourceNotFound', `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`);
const badRequest = (message: string) => new GraphFault(400, 'Request_BadRequest', message);

/** A delegated token: its user, the sign-in's MFA, whether the user may provision on demand, its Graph scopes (scp). */
type UserToken = Caller & { canProvision: boolean; scopes: Set<string> };

/** A sign-in: through `clientId` (an app registration of the tenant) or, without one, `az login`; `scopes` asked, all consented ones by default. */
export interface SignInOptions {
  readonly mfa?: boolean;
  readonly canProvision?: boolean;
  readonly clientId?: string;
  readonly scopes?: readonly string[];
}

/** `caller` is the signed-in user of a delegated (user) token; undefined for the emulator's app token. */
type Handler = (params: string[], body: any, url: URL, caller?: Caller) => unknown | Promise<unknown>;
interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly name: string;
  readonly handler: Handler;
}

/** `$filter=a eq 'x' and b eq 'y'`: each property's value (the form the provider's PIM reads use). */
function filterClauses(url: URL): Record<string, string> {
  const clauses = (url.searchParams.get('$filter') ?? '').split(' and ').map((clause) => /^(\w+) eq '(.*)'$/.exec(clause.trim())).filter((m): m is RegExpExecArray => Boolean(m));
  return Object.fromEntries(clauses.map(([, property, value]) => [property, value.replace(/''/g, "'")]));
}

/** The items whose properties equal every clause of the request's filter. */
const filtered = <T extends object>(items: T[], url: URL) => items.filter((item) => Object.entries(filterClauses(url)).every(([property, value]) => String((item as Record<string, unknown>)[property]) === value));

/** `$filter=name eq 'value'`: the one filter form the product uses. */
function filterValue(url: URL, property: string): string | undefined {
  const match = new RegExp(`^${property} eq '(.*)'$`).exec(url.searchParams.get('$filter') ?? '');
  return match?.[1].replace(/''/g, "'");
}

// Graph synchronizationJob: provisionOnDemand: "The rate limit for this API is 5 requests per 10 seconds."
const ON_DEMAND_RATE = { requests: 5, windowMs: 10_000 };

/** The subject of an on-demand request as its answer names it. */
interface Subject {
  readonly id: string;
  readonly type: 'User' | 'Group';
  readonly reportableIdentifier: string;
}

/** What `$filter=id eq '…'` and the member list show of a directory object (Graph directoryObject, with its @odata.type). */
const directoryObject = (object: User | Group) =>
  'userPrincipalName' in object
    ? { '@odata.type': '#microsoft.graph.user', id: object.id, displayName: object.displayName, userPrincipalName: object.userPrincipalName }
    : { '@odata.type': '#microsoft.graph.group', id: object.id, displayName: object.displayName };

const publicGroup = ({ memberIds, ...group }: Group) => group;

/** The object id in a reference body: `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}` (Graph group-post-members). */
const referencedId = (body: any) => String(body?.['@odata.id'] ?? '').split('/').pop() ?? '';

/**
 * provisionOnDemand's answer (Graph synchronizationJob: provisionOnDemand, example 1): `key` holds the
 * verdict as JSON, `{"result", "details": {"errorCode", "errorMessage"}}`, `value` the provisioning steps.
 */
function onDemandAnswer(subject: Subject, outcome: Outcome) {
  const details = outcome.errorCode ? { errorCode: outcome.errorCode, errorMessage: outcome.errorMessage } : {};
  const statusInfo = { status: outcome.result, errorCode: outcome.result === 'Failure' ? outcome.errorCode : null, reason: outcome.errorMessage ?? null };
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair',
    key: JSON.stringify({ result: outcome.result, details }),
    value: JSON.stringify({
      action: outcome.action,
      reportableIdentifier: subject.reportableIdentifier,
      sourceIdentity: { id: subject.id, type: subject.type },
      targetIdentity: { id: outcome.targetId ?? null, type: subject.type === 'User' ? 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' : 'urn:ietf:params:scim:schemas:core:2.0:Group' },
      statusInfo,
    }),
  };
}

const publicServicePrincipal = (servicePrincipal: ServicePrincipal) => {
  const { signingKeys, claimsMappingPolicyIds, ...sp } = servicePrincipal;
  return { ...sp, ...credentialsOf(servicePrincipal) };
};

/**
 * Microsoft Graph (v1.0) and the login host of one Entra tenant, for exactly the calls the product
 * makes. Requests need the emulator's bearer token; each is counted like the AWS gateway's.
 */
export class EntraServer {
  readonly log = new RequestLog();
  readonly accessToken = randomBytes(24).toString('hex');
  readonly sync = new Map<string, Synchronization>();
  private readonly server: Server;
  private readonly routes: Route[] = [];
  /** Faults aimed at chosen callers' requests (the product's), and what each caller did after one. */
  readonly faultLedger = new FaultLedger();
  /** Every initial password a user was created with: what the rehearsal's secret scan looks for. */
  readonly receivedPasswords: string[] = [];
  // Per service principal: when its last on-demand requests arrived.
  private readonly onDemandTimes = new Map<string, number[]>();
  /** Delegated tokens of signed-in users: who, whether the sign-in used MFA, whether the user may provision on demand. */
  private readonly userTokens = new Map<string, UserToken>();
  readonly pim: PrivilegedAccess;
  private base = '';

  constructor(
    readonly directory: Directory,
    private readonly cycleMs: number,
  ) {
    this.pim = new PrivilegedAccess(directory);
    this.defineRoutes();
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  /**
   * A user's delegated token, as `az login` would give that user: `mfa` says whether the sign-in used
   * MFA (the amr claim), `canProvision` whether the user holds a role that may provision on demand.
   */
  userToken(userPrincipalName: string, options: SignInOptions = {}): string {
    const user = [...this.directory.users.values()].find((u) => u.userPrincipalName === userPrincipalName);
    if (!user) throw new Error(`no user ${userPrincipalName} in the emulated tenant`);
    const token = randomBytes(24).toString('hex');
    this.userTokens.set(token, { userId: user.id, mfa: options.mfa ?? true, canProvision: options.canProvision ?? true, scopes: new Set(this.consentedScopes(user, options)) });
    return token;
  }

  /** The Graph scopes a delegated token carries (its scp claim). */
  tokenScopes(token: string): string[] {
    const user = this.userTokens.get(token);
    if (!user) throw new Error('not a delegated token of this emulator');
    return [...user.scopes];
  }

  /**
   * The scopes of a sign-in through a client: every scope consented to that client on Microsoft Graph
   * for the user (an admin consent for all users, or the user's own), as Entra issues them; a requested
   * scope not consented stops the sign-in (AADSTS65001, Microsoft identity platform error codes).
   * Without a client it is `az login`, whose first-party client cannot be given a PIM scope (AADSTS65002,
   * azure-cli issue 30149).
   */
  private consentedScopes(user: User, options: SignInOptions): string[] {
    const d = this.directory;
    if (!options.clientId) {
      const refused = (options.scopes ?? []).filter((s) => !AZURE_CLI_SCOPES.includes(s));
      if (refused.length) throw new Error(`AADSTS65002: Consent between first party application '04b07795-8ddb-461a-bbee-02f9e1bf7b46' and first party resource '${MICROSOFT_GRAPH_APP_ID}' must be configured via preauthorization (${refused.join(', ')})`);
      return [...(options.scopes ?? AZURE_CLI_SCOPES)];
    }
    const sp = d.servicePrincipalOfApp(options.clientId);
    if (!sp) throw new Error(`AADSTS700016: Application with identifier '${options.clientId}' was not found in the directory '${d.tenantId}'.`);
    const granted = d.grantedScopes(sp.id, user.id);
    const missing = (options.scopes ?? []).filter((s) => !granted.includes(s));
    if (missing.length) throw new Error(`AADSTS65001: The user or administrator has not consented to use the application with ID '${options.clientId}' named '${sp.displayName}' (${missing.join(', ')}). Send an interactive authorization request for this user and resource.`);
    return granted;
  }

  close(): Promise<void> {
    this.pim.stop();
    this.sync.forEach((s) => s.stop());
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private syncOf(spId: string): Synchronization {
    if (!this.directory.servicePrincipals.has(spId)) throw notFound(spId);
    if (!this.sync.has(spId)) this.sync.set(spId, new Synchronization(this.directory, spId, this.cycleMs));
    return this.sync.get(spId)!;
  }

  private jobOf(spId: string, jobId: string): Job {
    const job = this.syncOf(spId).jobs.find((j) => j.id === jobId);
    if (!job) throw notFound(jobId);
    return job;
  }

  private sp(id: string): ServicePrincipal {
    const sp = this.directory.servicePrincipal(id);
    if (!sp) throw notFound(id);
    return sp;
  }

  private route(method: string, path: string, handler: Handler): void {
    const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, '([^/]+)').replace(/\$/g, '\\$')}$`);
    this.routes.push({ method, pattern, name: path, handler });
  }

  private defineRoutes(): void {
    const d = this.directory;
    const v = '/v1.0';
    this.route('GET', `${v}/organization`, () => ({ value: [{ id: d.tenantId, verifiedDomains: [{ name: d.defaultDomain, isDefault: true }] }] }));
    this.route('GET', `${v}/domains`, () => ({ value: [{ id: d.defaultDomain, isDefault: true, isVerified: true }] }));

    this.route('GET', `${v}/users`, (_, __, url) => ({ value: [...d.users.values()].filter((u) => !filterValue(url, 'userPrincipalName') || u.userPrincipalName === filterValue(url, 'userPrincipalName')) }));
    this.route('POST', `${v}/users`, (_, body) => {
      if ([...d.users.values()].some((u) => u.userPrincipalName === body.userPrincipalName)) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
      if (!body.passwordProfile?.password) throw badRequest('A password is required when creating a user.');
      this.receivedPasswords.push(body.passwordProfile.password);
      const user = { id: randomUUID(), userPrincipalName: body.userPrincipalName, displayName: body.displayName, givenName: body.givenName, surname: body.surname, department: body.department, mailNickname: body.mailNickname, accountEnabled: body.accountEnabled ?? true };
      d.users.set(user.id, user);
      return [201, user];
    });
    this.route('GET', `${v}/users/{id}`, ([id]) => d.users.get(id) ?? Promise.reject(notFound(id)));
    this.route('PATCH', `${v}/users/{id}`, ([id], body) => {
      const user = d.users.get(id);
      if (!user) throw notFound(id);
      const { passwordProfile, ...changes } = body;
      Object.assign(user, changes);
      return [204];
    });
    this.route('DELETE', `${v}/users/{id}`, ([id]) => (d.deleteUser(id) ? [204] : Promise.reject(notFound(id))));

    this.route('GET', `${v}/applicationTemplates`, (_, __, url) => ({ value: [AWS_GALLERY_TEMPLATE].filter((t) => !filterValue(url, 'displayName') || t.displayName === filterValue(url, 'displayName')) }));
    this.route('POST', `${v}/applicationTemplates/{id}/instantiate`, ([id], body) => {
      if (id !== AWS_GALLERY_TEMPLATE.id) throw notFound(id);
      const created = d.instantiate(body.displayName);
      return [201, { application: created.application, servicePrincipal: publicServicePrincipal(created.servicePrincipal) }];
    });
    // Graph "List applications": $filter with eq on displayName.
    this.route('GET', `${v}/applications`, (_, __, url) => ({ value: [...d.applications.values()].filter((a) => !filterValue(url, 'displayName') || a.displayName === filterValue(url, 'displayName')) }));
    this.route('GET', `${v}/applications/{id}`, ([id]) => d.applications.get(id) ?? Promise.reject(notFound(id)));
    this.route('PATCH', `${v}/applications/{id}`, ([id], body) => {
      const application = d.applications.get(id);
      if (!application) throw notFound(id);
      const refusal = body.identifierUris && d.identifierUriRefusal(application, body.identifierUris);
      if (refusal) throw new GraphFault(400, 'HostNameNotOnVerifiedDomain', refusal);
      if (body.identifierUris) application.identifierUris = body.identifierUris;
      if (body.web) application.web = { ...application.web, ...body.web };
      if (body.displayName) application.displayName = body.displayName;
      return [204];
    });
    this.route('DELETE', `${v}/applications/{id}`, ([id]) => {
      this.refuseSamlDelete(d.applications.get(id));
      return d.deleteApplication(id) ? [204] : Promise.reject(notFound(id));
    });

    this.route('GET', `${v}/servicePrincipals`, (_, __, url) => ({ value: [d.microsoftGraph, ...d.servicePrincipals.values()].filter((sp) => sp.appId === filterValue(url, 'appId')).map(publicServicePrincipal) }));
    this.defineConsentRoutes(v);
    this.route('GET', `${v}/servicePrincipals/{id}`, ([id]) => publicServicePrincipal(this.sp(id)));
    this.route('PATCH', `${v}/servicePrincipals/{id}`, ([id], body) => {
      const sp = this.sp(id);
      if ('preferredTokenSigningKeyThumbprint' in body && !sp.signingKeys.some((k) => k.thumbprint === body.preferredTokenSigningKeyThumbprint)) {
        throw badRequest('preferredTokenSigningKeyThumbprint does not match a key of this service principal');
      }
      for (const key of ['preferredSingleSignOnMode', 'loginUrl', 'appRoleAssignmentRequired', 'preferredTokenSigningKeyThumbprint'] as const) {
        if (key in body) (sp as any)[key] = body[key];
      }
      if (body.keyCredentials) keepListedCertificates(sp, body.keyCredentials);
      return [204];
    });
    this.route('DELETE', `${v}/servicePrincipals/{id}`, ([id]) => {
      const sp = this.sp(id);
      this.refuseSamlDelete([...d.applications.values()].find((a) => a.appId === sp.appId));
      d.deleteServicePrincipal(sp);
      this.sync.get(sp.id)?.stop();
      return [204];
    });
    this.route('POST', `${v}/servicePrincipals/{id}/addTokenSigningCertificate`, async ([id], body) => {
      const sp = this.sp(id);
      const key = d.addSigningCertificate(sp, await newSigningKey(body.displayName ?? `CN=${sp.displayName}`, body.endDateTime));
      // Graph addTokenSigningCertificate returns a selfSignedCertificate; its keyId is the Sign key's
      // (provider service_principal_token_signing_certificate_resource.go looks up the Verify key by customKeyIdentifier).
      const customKeyIdentifier = Buffer.from(key.thumbprint, 'hex').toString('base64');
      return [200, { keyId: key.keyId, customKeyIdentifier, thumbprint: key.thumbprint, key: base64Der(key.certificatePem), displayName: key.displayName, endDateTime: key.endDateTime, type: 'AsymmetricX509Cert', usage: 'Verify' }];
    });

    this.route('POST', `${v}/policies/claimsMappingPolicies`, (_, body) => {
      const policy = { id: randomUUID(), displayName: body.displayName, definition: body.definition };
      body.definition.forEach((json: string) => JSON.parse(json));
      d.policies.set(policy.id, policy);
      return [201, policy];
    });
    this.route('GET', `${v}/policies/claimsMappingPolicies/{id}`, ([id]) => d.policies.get(id) ?? Promise.reject(notFound(id)));
    this.route('DELETE', `${v}/policies/claimsMappingPolicies/{id}`, ([id]) => {
      if (!d.policies.delete(id)) throw notFound(id);
      d.servicePrincipals.forEach((sp) => (sp.claimsMappingPolicyIds = sp.claimsMappingPolicyIds.filter((p) => p !== id)));
      return [204];
    });
    this.route('GET', `${v}/servicePrincipals/{id}/claimsMappingPolicies`, ([id]) => ({ value: this.sp(id).claimsMappingPolicyIds.map((p) => d.policies.get(p)) }));
    this.route('POST', `${v}/servicePrincipals/{id}/claimsMappingPolicies/$ref`, ([id], body) => {
      const policyId = String(body['@odata.id']).split('/').pop()!;
      if (!d.policies.has(policyId)) throw notFound(policyId);
      const sp = this.sp(id);
      if (sp.claimsMappingPolicyIds.length) throw badRequest('A service principal can have only one claims mapping policy');
      sp.claimsMappingPolicyIds.push(policyId);
      return [204];
    });
    this.route('DELETE', `${v}/servicePrincipals/{id}/claimsMappingPolicies/{policyId}/$ref`, ([id, policyId]) => {
      const sp = this.sp(id);
      if (!sp.claimsMappingPolicyIds.includes(policyId)) throw notFound(policyId);
      sp.claimsMappingPolicyIds = sp.claimsMappingPolicyIds.filter((p) => p !== policyId);
      return [204];
    });
    this.route('GET', `${v}/servicePrincipals/{id}/appRoleAssignedTo`, ([id]) => ({ value: [...d.appRoleAssignments.values()].filter((a) => a.resourceId === this.sp(id).id) }));
    this.route('POST', `${v}/servicePrincipals/{id}/appRoleAssignedTo`, ([id], body) => {
      const sp = this.sp(id);
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
    this.route('DELETE', `${v}/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}`, ([, assignmentId]) => (d.appRoleAssignments.delete(assignmentId) ? [204] : Promise.reject(notFound(assignmentId))));

    // The azuread provider manages groups through Graph beta (internal/services/groups/client/client.go: GroupClientBeta).
    for (const version of [v, '/beta']) this.defineGroupRoutes(version);
    this.definePimRoutes(v);
    this.route('GET', `${v}/me`, (_, __, ___, caller) => (caller ? d.users.get(caller.userId) : Promise.reject(badRequest('/me needs a delegated (user) token.'))));

    const sync = `${v}/servicePrincipals/{id}/synchronization`;
    this.route('GET', `${sync}/templates`, ([id]) => (this.sp(id), { value: [{ id: SYNC_TEMPLATE_ID, factoryTag: SYNC_TEMPLATE_ID, default: true }] }));
    this.route('GET', `${sync}/jobs`, ([id]) => ({ value: this.syncOf(id).jobs }));
    this.route('POST', `${sync}/jobs`, ([id], body) => {
      if (body.templateId !== SYNC_TEMPLATE_ID) throw badRequest(`Unknown template ${body.templateId}`);
      return [201, this.syncOf(id).createJob(body.templateId)];
    });
    this.route('GET', `${sync}/jobs/{jobId}`, ([id, jobId]) => this.jobOf(id, jobId));
    this.route('DELETE', `${sync}/jobs/{jobId}`, ([id, jobId]) => {
      const s = this.syncOf(id);
      s.pause(this.jobOf(id, jobId));
      s.jobs.splice(s.jobs.indexOf(this.jobOf(id, jobId)), 1);
      return [204];
    });
    this.route('GET', `${sync}/jobs/{jobId}/schema`, ([id, jobId]) => (this.jobOf(id, jobId), this.syncOf(id).schema()));
    this.route('PUT', `${sync}/secrets`, ([id], body) => {
      this.syncOf(id).saveSecrets(body.value);
      return [204];
    });
    this.route('POST', `${sync}/jobs/{jobId}/validateCredentials`, async ([id, jobId], body) => {
      this.jobOf(id, jobId);
      const works = await this.syncOf(id).credentialsWork(body.useSavedCredentials ? undefined : body.credentials);
      if (!works) throw new GraphFault(400, 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable', 'You appear to have entered invalid credentials.');
      return [204];
    });
    this.route('POST', `${sync}/jobs/{jobId}/start`, ([id, jobId]) => (this.syncOf(id).start(this.jobOf(id, jobId)), [204]));
    this.route('POST', `${sync}/jobs/{jobId}/pause`, ([id, jobId]) => (this.syncOf(id).pause(this.jobOf(id, jobId)), [204]));
    this.route('POST', `${sync}/jobs/{jobId}/provisionOnDemand`, async ([id, jobId], body) => {
      this.jobOf(id, jobId);
      this.limitOnDemandRate(id);
      const [parameters] = body.parameters ?? [];
      if (parameters?.ruleId !== USER_RULE_ID) throw badRequest(`Unknown rule ${parameters?.ruleId}`);
      const [subject] = parameters.subjects ?? [];
      if (subject?.objectTypeName === 'Group') return [200, await this.provisionGroupOnDemand(id, subject)];
      const user = d.users.get(subject?.objectId);
      if (!user) throw notFound(subject?.objectId);
      return [200, onDemandAnswer({ id: user.id, type: 'User', reportableIdentifier: user.userPrincipalName }, await this.syncOf(id).provisionOnDemand(user))];
    });

    // The login host: federation metadata and the sign-in a browser would do.
    this.route('GET', '/{tenant}/federationmetadata/2007-06/federationmetadata.xml', ([tenant], _, url) => {
      const sp = tenant === d.tenantId ? d.servicePrincipalOfApp(url.searchParams.get('appid') ?? '') : undefined;
      if (!sp) throw notFound(url.searchParams.get('appid') ?? 'appid');
      return ['xml', federationMetadata(d.tenantId, sp, this.base)];
    });
    this.route('POST', '/{tenant}/saml2/emulator-signin', ([tenant], body) => {
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

  /**
   * App registrations without a template and their consents: Graph application-post-applications,
   * serviceprincipal-post-serviceprincipals, oauth2permissiongrant-post / -list / -update / -delete,
   * the calls of azuread_application, azuread_service_principal and
   * azuread_service_principal_delegated_permission_grant (v3.7.0).
   */
  private defineConsentRoutes(v: string): void {
    const d = this.directory;
    this.route('POST', `${v}/applications`, (_, body) => {
      if (!body.displayName) throw badRequest("Property 'displayName' is required when creating an application.");
      return [201, d.createApplication(body)];
    });
    this.route('POST', `${v}/servicePrincipals`, (_, body) => {
      if (![...d.applications.values()].some((a) => a.appId === body.appId)) throw badRequest(`The appId '${body.appId}' of the service principal does not reference a valid application object.`);
      // unverified: the exact answer for a second service principal of one app.
      if (d.servicePrincipalOfApp(body.appId)) throw new GraphFault(409, 'Request_MultipleObjectsWithSameKeyValue', 'The service principal cannot be created, updated, or restored because the service principal name is already in use.');
      return [201, publicServicePrincipal(d.createServicePrincipal(body.appId, body.appRoleAssignmentRequired ?? false))];
    });
    this.route('GET', `${v}/oauth2PermissionGrants`, (_, __, url) => ({ value: filtered([...d.oauth2PermissionGrants.values()], url) }));
    this.route('GET', `${v}/oauth2PermissionGrants/{id}`, ([id]) => existing(d.oauth2PermissionGrants.get(id), id));
    this.route('POST', `${v}/oauth2PermissionGrants`, (_, body) => {
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
    this.route('PATCH', `${v}/oauth2PermissionGrants/{id}`, ([id], body) => {
      const grant = existing(d.oauth2PermissionGrants.get(id), id);
      if (typeof body.scope === 'string') grant.scope = body.scope.split(' ').filter(Boolean).join(' ');
      return [204];
    });
    this.route('DELETE', `${v}/oauth2PermissionGrants/{id}`, ([id]) => (d.oauth2PermissionGrants.delete(id) ? [204] : Promise.reject(notFound(id))));
  }

  private group(id: string): Group {
    const group = this.directory.groups.get(id);
    if (!group) throw notFound(id);
    return group;
  }

  /** Graph group, group-post-groups, group-update, group-delete, group-list-members, group-post-members, group-delete-members. */
  private defineGroupRoutes(version: string): void {
    const d = this.directory;
    this.route('GET', `${version}/groups`, (_, __, url) => ({ value: [...d.groups.values()].filter((g) => !filterValue(url, 'displayName') || g.displayName === filterValue(url, 'displayName')).map(publicGroup) }));
    this.route('POST', `${version}/groups`, (_, body) => {
      // group-post-groups: displayName, mailEnabled, mailNickname and securityEnabled are required.
      const missing = ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'].find((key) => body[key] === undefined || body[key] === null || body[key] === '');
      if (missing) throw badRequest(`Property '${missing}' is required when creating a group.`);
      // Graph group resource, isAssignableToRole: "If set to true, the securityEnabled property must also be set
      // to true and the group cannot be a dynamic group". unverified: the error code and message Graph answers.
      if (body.isAssignableToRole === true && body.securityEnabled !== true) throw badRequest('A group with isAssignableToRole set to true must be security-enabled (securityEnabled: true).');
      if (body.isAssignableToRole === true && (body.groupTypes ?? []).includes('DynamicMembership')) throw badRequest('A group with isAssignableToRole set to true cannot be a dynamic group (groupTypes DynamicMembership).');
      const group: Group = {
        id: randomUUID(),
        displayName: body.displayName,
        description: body.description ?? null,
        mailEnabled: body.mailEnabled,
        mailNickname: body.mailNickname,
        securityEnabled: body.securityEnabled,
        groupTypes: body.groupTypes ?? [],
        isAssignableToRole: body.isAssignableToRole === true,
        memberIds: new Set(),
      };
      d.groups.set(group.id, group);
      return [201, publicGroup(group)];
    });
    this.route('GET', `${version}/groups/{id}`, ([id]) => publicGroup(this.group(id)));
    this.route('PATCH', `${version}/groups/{id}`, ([id], body) => {
      const group = this.group(id);
      // Graph group resource, isAssignableToRole: "can only be set while creating the group and is immutable";
      // Entra "Use Microsoft Entra groups to manage role assignments": "You can't make an existing group a
      // role-assignable group". unverified: the error code and message Graph answers.
      if ('isAssignableToRole' in body) throw badRequest('isAssignableToRole can only be set when the group is created.');
      if (typeof body.displayName === 'string') group.displayName = body.displayName;
      if ('description' in body) group.description = body.description;
      return [204];
    });
    this.route('DELETE', `${version}/groups/{id}`, ([id]) => (d.deleteGroup(id) ? [204] : Promise.reject(notFound(id))));
    this.route('GET', `${version}/groups/{id}/members`, ([id], _, url) => {
      const only = filterValue(url, 'id');
      const members = [...this.group(id).memberIds].filter((m) => !only || m === only).map((m) => d.users.get(m) ?? d.groups.get(m));
      return { value: members.filter((m): m is User | Group => Boolean(m)).map(directoryObject) };
    });
    this.route('POST', `${version}/groups/{id}/members/$ref`, ([id], body) => {
      const group = this.group(id);
      const memberId = referencedId(body);
      if (!d.users.has(memberId) && !d.groups.has(memberId)) throw notFound(memberId);
      // group-post-members: a reference that exists already is refused with this message.
      if (group.memberIds.has(memberId)) throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
      group.memberIds.add(memberId);
      return [204];
    });
    this.route('DELETE', `${version}/groups/{id}/members/{memberId}/$ref`, ([id, memberId]) => {
      if (!this.group(id).memberIds.delete(memberId)) throw notFound(memberId);
      return [204];
    });
  }

  /**
   * PIM for Groups (Graph privilegedaccessgroup-post-eligibilityschedulerequests,
   * privilegedaccessgroup-post-assignmentschedulerequests, privilegedaccessgroup-list-assignmentscheduleinstances)
   * and the group's policies (unifiedRoleManagementPolicy, unifiedRoleManagementPolicyAssignment).
   */
  private definePimRoutes(v: string): void {
    const pim = this.pim;
    const base = `${v}/identityGovernance/privilegedAccess/group`;
    this.route('POST', `${base}/eligibilityScheduleRequests`, (_, body) => [201, pim.requestEligibility(body)]);
    // The provider reads the newest request first (privileged_access_group_eligiblity_schedule_resource.go, Read: $orderby createdDateTime desc).
    this.route('GET', `${base}/eligibilityScheduleRequests`, (_, __, url) => ({ value: filtered(pim.eligibilityRequests, url).reverse() }));
    this.route('POST', `${base}/eligibilityScheduleRequests/{id}/cancel`, ([id]) => (pim.cancelEligibilityRequest(id), [204]));
    this.route('GET', `${base}/eligibilitySchedules`, (_, __, url) => ({ value: filtered([...pim.eligibilities.values()], url) }));
    this.route('GET', `${base}/eligibilitySchedules/{id}`, ([id]) => existing(pim.eligibilities.get(id), id));
    this.route('POST', `${base}/assignmentScheduleRequests`, (_, body, __, caller) => [201, pim.requestAssignment(body, caller)]);
    this.route('GET', `${base}/assignmentScheduleRequests`, (_, __, url) => ({ value: filtered(pim.assignmentRequests, url).reverse() }));
    this.route('GET', `${base}/assignmentScheduleInstances`, (_, __, url) => ({ value: filtered(pim.activeAssignments(), url) }));
    // privilegedAccessGroup-list-assignmentschedules: the schedules of who holds the role, an activation's with assignmentType "activated".
    this.route('GET', `${base}/assignmentSchedules`, (_, __, url) => ({ value: filtered(pim.activeAssignments(), url).map((s) => ({ ...s, assignmentType: 'activated' })) }));

    // A policy assignment per group and role; its id is <policy id>_<role> (parse/role_management_policy_assignment.go).
    // Listed only once the group is onboarded to PIM (pim.ts, policyAssignments).
    this.route('GET', `${v}/policies/roleManagementPolicyAssignments`, (_, __, url) => ({ value: filtered(pim.policyAssignments(filterClauses(url).scopeId), url) }));
    // Graph "List roleManagementPolicies": a group's policies by $filter=scopeId eq '{groupId}' and scopeType eq 'Group'.
    this.route('GET', `${v}/policies/roleManagementPolicies`, (_, __, url) => ({ value: filtered(pim.groupPolicies(filterClauses(url).scopeId).map(({ rules, roleDefinitionId, ...policy }) => policy), url) }));
    // Graph returns a policy's rules only when they are expanded ($expand=rules or *).
    this.route('GET', `${v}/policies/roleManagementPolicies/{id}`, ([id], _, url) => {
      const { rules, roleDefinitionId, ...policy } = pim.policy(id);
      return url.searchParams.get('$expand') ? { ...policy, rules } : policy;
    });
    this.route('PATCH', `${v}/policies/roleManagementPolicies/{id}`, ([id], body) => (pim.updatePolicy(id, body.rules ?? []), [204]));
  }

  /** Graph provisionOnDemand's rate limit, per service principal: beyond it a 429 with Retry-After. */
  private limitOnDemandRate(spId: string): void {
    const now = Date.now();
    const recent = (this.onDemandTimes.get(spId) ?? []).filter((t) => now - t < ON_DEMAND_RATE.windowMs);
    if (recent.length >= ON_DEMAND_RATE.requests) {
      const retryAfter = Math.ceil((recent[0] + ON_DEMAND_RATE.windowMs - now) / 1000);
      this.onDemandTimes.set(spId, recent);
      throw new GraphFault(429, 'TooManyRequests', `provisionOnDemand allows ${ON_DEMAND_RATE.requests} requests per ${ON_DEMAND_RATE.windowMs / 1000} seconds`, { 'Retry-After': String(retryAfter) });
    }
    this.onDemandTimes.set(spId, [...recent, now]);
  }

  /** A group subject: `links.members` names at most 5 users (provision-on-demand.md, Known limitations). */
  private async provisionGroupOnDemand(spId: string, subject: any) {
    const group = this.group(subject.objectId);
    const named: { objectId: string; objectTypeName?: string }[] = subject.links?.members ?? [];
    if (named.length > ON_DEMAND_MAX_MEMBERS) throw badRequest(`On-demand provisioning accepts a single group with up to ${ON_DEMAND_MAX_MEMBERS} members; ${named.length} were given.`);
    const users = named.map((m) => existing(this.directory.users.get(m.objectId), m.objectId));
    const outcome = await this.syncOf(spId).provisionGroupOnDemand(group, users);
    return onDemandAnswer({ id: group.id, type: 'Group', reportableIdentifier: group.displayName }, outcome);
  }

  private refuseSamlDelete(application: Application | undefined): void {
    const refusal = this.directory.deleteRefusal(application);
    if (refusal) throw new GraphFault(400, 'DeletingSamlSpNotAllowed', refusal);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://entra');
    const method = req.method ?? 'GET';
    const route = this.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'application/xml' : 'application/json', ...headers });
      res.end(text);
    };
    let request: FaultRequest | undefined;
    let user: UserToken | undefined;
    try {
      const raw = await readBody(req);
      if (!route) throw new GraphFault(400, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`);
      this.log.record('graph', `${method} ${route.name}`, method !== 'GET');
      if (url.pathname.startsWith('/v1.0/') || url.pathname.startsWith('/beta/')) {
        const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
        user = this.userTokens.get(bearer);
        if (bearer !== this.accessToken && !user) throw new GraphFault(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
        // Every call a delegated token makes needs one of its scopes (scopes.ts, with the Graph permission pages).
        const rule = user && scopeRule(`${method} ${route.name}`);
        if (rule && !rule.anyOf.some((scope) => user!.scopes.has(scope))) {
          const refusal = scopeRefusal(rule);
          throw new GraphFault(refusal.status, refusal.code, refusal.message);
        }
        // Provisioning needs an administrator role (Graph synchronizationJob: provisionOnDemand, permissions; unverified which roles exactly).
        if (user && !user.canProvision && url.pathname.includes('/synchronization/')) throw new GraphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
        request = { method, url: req.url ?? '/', headers: req.headers, body: raw, operation: `${method} ${route.name}` };
        const planned = this.faultLedger.intercept(request);
        if (planned === 'hang') return; // no answer: the caller must give up on this connection
        if (planned) return send(planned.status, planned.body, planned.headers);
        res.once('finish', () => this.faultLedger.answered(request!, res.statusCode));
      }
      const answer = await route.handler(route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent), raw.length ? JSON.parse(raw.toString('utf8')) : {}, url, user);
      if (request && Array.isArray(answer) && answer[0] === 201) this.faultLedger.created(request, (answer[1] as { id?: string })?.id);
      if (Array.isArray(answer) && answer[0] === 'xml') return send(200, answer[1]);
      if (Array.isArray(answer)) return send(answer[0], answer[1]);
      send(200, answer);
    } catch (error) {
      const refused = error instanceof PimRefusal ? new GraphFault(error.status, error.code, error.message) : error;
      const fault = refused instanceof GraphFault ? refused : new GraphFault(500, 'InternalServerError', String((refused as Error)?.message ?? refused));
      send(fault.status, { error: { code: fault.code, message: fault.message } }, fault.headers);
    }
  }
}
