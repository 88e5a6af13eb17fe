import { randomUUID, X509Certificate } from 'node:crypto';

/** The gallery app of Graph's concept page application-saml-sso-configure-api.md, the emulator's only template. */
export const AWS_GALLERY_TEMPLATE = {
  id: '21ed01d2-ec13-4e9e-86c1-cd546719ebc4',
  displayName: 'AWS IAM Identity Center (successor to AWS Single Sign-On)',
  supportedSingleSignOnModes: ['saml', 'external'],
  supportedProvisioningTypes: ['sync'],
};

/**
 * The roles an instantiated AWS IAM Identity Center app carries, as the instantiate response in Graph's
 * concept page application-saml-sso-configure-api.md shows them: ids fixed by the template, values null.
 */
const TEMPLATE_APP_ROLES: readonly AppRole[] = [
  { allowedMemberTypes: ['User'], displayName: 'User', id: '8774f594-1d59-4279-b9d9-59ef09a23530', isEnabled: true, description: 'User', value: null, origin: 'Application' },
  { allowedMemberTypes: ['User'], displayName: 'msiam_access', id: 'e7f1a7f3-9eda-48e0-9963-bd67bf531afd', isEnabled: true, description: 'msiam_access', value: null, origin: 'Application' },
];
// The template's web home page (same concept page, instantiate response).
const TEMPLATE_HOME_PAGE = 'https://*.signin.aws.amazon.com/platform/saml/acs/*?metadata=awssinglesignon|ISV9.1|primary|z';

export interface User {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName?: string;
  surname?: string;
  department?: string;
  mailNickname?: string;
  accountEnabled: boolean;
}

/** A security group of the directory (Graph group resource); `memberIds` are its direct members. */
export interface Group {
  id: string;
  displayName: string;
  description: string | null;
  mailEnabled: boolean;
  mailNickname: string;
  securityEnabled: boolean;
  groupTypes: string[];
  /** Graph group resource, isAssignableToRole: set only when the group is created (immutable). */
  isAssignableToRole: boolean;
  memberIds: Set<string>;
}

export interface AppRole {
  allowedMemberTypes: string[];
  displayName: string;
  id: string;
  isEnabled: boolean;
  description: string;
  value: string | null;
  origin: string;
}

export interface Application {
  id: string;
  appId: string;
  /** null for an application registered without a template (POST /applications). */
  applicationTemplateId: string | null;
  displayName: string;
  identifierUris: string[];
  appRoles: AppRole[];
  web: { redirectUris: string[]; homePageUrl?: string | null };
  /** Graph application: a public client that may use flows without a redirect URI (device code). */
  isFallbackPublicClient?: boolean | null;
  publicClient?: { redirectUris: string[] };
  requiredResourceAccess?: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
  signInAudience?: string;
}

/** Graph permissionScope: a delegated permission a resource's service principal exposes. */
export interface PermissionScope {
  id: string;
  value: string;
  type: 'User' | 'Admin';
  isEnabled: boolean;
}

/** Graph oAuth2PermissionGrant: a consent for a client to act for users on a resource with these scopes. */
export interface OAuth2PermissionGrant {
  id: string;
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  principalId: string | null;
  resourceId: string;
  scope: string;
}

/** Microsoft Graph's application id, the same in every tenant (azuread provider, application_ids.go: microsoftGraphAppId). */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * The delegated scopes the emulated Microsoft Graph service principal exposes: the ones the product's
 * commands ask for and the ones the emulator's checks name (scopes.ts). Ids of User.Read,
 * PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup, Synchronization.Read.All and
 * Synchronization.ReadWrite.All as the Microsoft Graph permissions reference lists them; the
 * consent types (Admin for all but User.Read) from the same reference.
 * unverified: the other ids, generated per emulated tenant (so nothing may hardcode them).
 */
function graphScopes(): PermissionScope[] {
  const known: [string, string, 'User' | 'Admin'][] = [
    ['User.Read', 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', 'User'],
    ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', '06dbc45d-6708-4ef0-a797-f797ee68bf4b', 'Admin'],
    ['Synchronization.Read.All', '7aa02aeb-824f-4fbe-a3f7-611f751f5b55', 'Admin'],
    ['Synchronization.ReadWrite.All', '7bb27fa3-ea8f-4d67-a916-87715b6188bd', 'Admin'],
  ];
  const generated = [
    'PrivilegedAssignmentSchedule.Read.AzureADGroup',
    'PrivilegedAssignmentSchedule.Remove.AzureADGroup',
    'PrivilegedAccess.Read.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
    'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
    'RoleManagementPolicy.Read.AzureADGroup',
    'RoleManagementPolicy.ReadWrite.AzureADGroup',
    'User.ReadWrite',
    'User.Read.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
    'Directory.AccessAsUser.All',
  ].map((value): [string, string, 'User' | 'Admin'] => [value, randomUUID(), 'Admin']);
  return [...known, ...generated].map(([value, id, type]) => ({ id, value, type, isEnabled: true }));
}

export interface SigningKey {
  keyId: string;
  thumbprint: string;
  certificatePem: string;
  privateKeyPem: string;
  endDateTime: string;
  displayName: string;
}

/** One addTokenSigningCertificate result: `keyId` is the Sign key's (and its password's), `verifyKeyId` the public key's. */
export type TokenSigningCertificate = SigningKey & { verifyKeyId: string };

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  preferredSingleSignOnMode: string | null;
  loginUrl: string | null;
  appRoleAssignmentRequired: boolean;
  preferredTokenSigningKeyThumbprint: string | null;
  appRoles: AppRole[];
  signingKeys: TokenSigningCertificate[];
  claimsMappingPolicyIds: string[];
}

export interface ClaimsMappingPolicy {
  id: string;
  displayName: string;
  definition: string[];
}

export interface AppRoleAssignment {
  id: string;
  principalId: string;
  resourceId: string;
  appRoleId: string;
}

/** The objects of one Entra tenant. */
export class Directory {
  readonly users = new Map<string, User>();
  readonly groups = new Map<string, Group>();
  readonly applications = new Map<string, Application>();
  readonly servicePrincipals = new Map<string, ServicePrincipal>();
  readonly policies = new Map<string, ClaimsMappingPolicy>();
  readonly appRoleAssignments = new Map<string, AppRoleAssignment>();
  readonly oauth2PermissionGrants = new Map<string, OAuth2PermissionGrant>();
  /**
   * Microsoft Graph's service principal, present in every tenant (Microsoft's, not the deployment's:
   * not among `servicePrincipals`, never deleted, not counted as a leftover).
   */
  readonly microsoftGraph: ServicePrincipal & { oauth2PermissionScopes: PermissionScope[] };

  constructor(
    readonly tenantId: string,
    readonly defaultDomain: string,
  ) {
    this.microsoftGraph = { ...newServicePrincipal(MICROSOFT_GRAPH_APP_ID, 'Microsoft Graph'), oauth2PermissionScopes: graphScopes() };
  }

  objectCount(): number {
    return this.users.size + this.groups.size + this.applications.size + this.servicePrincipals.size + this.policies.size + this.appRoleAssignments.size + this.oauth2PermissionGrants.size;
  }

  /** A service principal of the tenant by object id, Microsoft Graph's included. */
  servicePrincipal(id: string): ServicePrincipal | undefined {
    return id === this.microsoftGraph.id ? this.microsoftGraph : this.servicePrincipals.get(id);
  }

  /** Graph application-post-applications: an app registration without a template (its service principal is created apart). */
  createApplication(body: any): Application {
    const application: Application = {
      id: randomUUID(),
      appId: randomUUID(),
      applicationTemplateId: null,
      displayName: body.displayName,
      identifierUris: body.identifierUris ?? [],
      appRoles: body.appRoles ?? [],
      web: { redirectUris: body.web?.redirectUris ?? [], homePageUrl: body.web?.homePageUrl ?? null },
      isFallbackPublicClient: body.isFallbackPublicClient ?? null,
      publicClient: { redirectUris: body.publicClient?.redirectUris ?? [] },
      requiredResourceAccess: body.requiredResourceAccess ?? [],
      signInAudience: body.signInAudience ?? 'AzureADMyOrg',
    };
    this.applications.set(application.id, application);
    return application;
  }

  /** Graph serviceprincipal-post-serviceprincipals: the service principal of an app registration, by its appId. */
  createServicePrincipal(appId: string, appRoleAssignmentRequired = false): ServicePrincipal {
    const application = [...this.applications.values()].find((a) => a.appId === appId);
    if (!application) throw new Error(`no application with appId ${appId}`);
    const sp = { ...newServicePrincipal(appId, application.displayName), appRoleAssignmentRequired, appRoles: application.appRoles.map((r) => ({ ...r })) };
    this.servicePrincipals.set(sp.id, sp);
    return sp;
  }

  /**
   * The delegated scopes a client may use on Microsoft Graph for this user: those of the grants for
   * all users (consentType AllPrincipals, admin consent) and of the user's own (Principal).
   */
  grantedScopes(clientSpId: string, userId: string): string[] {
    const grants = [...this.oauth2PermissionGrants.values()].filter((g) => g.clientId === clientSpId && g.resourceId === this.microsoftGraph.id && (g.consentType === 'AllPrincipals' || g.principalId === userId));
    return [...new Set(grants.flatMap((g) => g.scope.split(' ').filter(Boolean)))];
  }

  instantiate(displayName: string): { application: Application; servicePrincipal: ServicePrincipal } {
    const appId = randomUUID();
    const application: Application = {
      id: randomUUID(),
      appId,
      applicationTemplateId: AWS_GALLERY_TEMPLATE.id,
      displayName,
      identifierUris: [],
      appRoles: TEMPLATE_APP_ROLES.map((role) => ({ ...role })),
      web: { redirectUris: [], homePageUrl: TEMPLATE_HOME_PAGE },
    };
    const servicePrincipal: ServicePrincipal = {
      id: randomUUID(),
      appId,
      displayName,
      preferredSingleSignOnMode: null,
      loginUrl: null,
      appRoleAssignmentRequired: true,
      preferredTokenSigningKeyThumbprint: null,
      appRoles: TEMPLATE_APP_ROLES.map((role) => ({ ...role })),
      signingKeys: [],
      claimsMappingPolicyIds: [],
    };
    this.applications.set(application.id, application);
    this.servicePrincipals.set(servicePrincipal.id, servicePrincipal);
    return { application, servicePrincipal };
  }

  servicePrincipalOfApp(appId: string): ServicePrincipal | undefined {
    return [...this.servicePrincipals.values()].find((sp) => sp.appId === appId);
  }

  /** Deleting an application deletes its service principal and what hangs on it, as Entra does. */
  deleteApplication(id: string): boolean {
    const application = this.applications.get(id);
    if (!application) return false;
    this.applications.delete(id);
    const sp = this.servicePrincipalOfApp(application.appId);
    if (sp) this.deleteServicePrincipal(sp);
    return true;
  }

  deleteServicePrincipal(sp: ServicePrincipal): void {
    this.servicePrincipals.delete(sp.id);
    // A deleted client's consents go with it.
    for (const [grantId, grant] of this.oauth2PermissionGrants) if (grant.clientId === sp.id) this.oauth2PermissionGrants.delete(grantId);
    for (const [assignmentId, assignment] of this.appRoleAssignments) if (assignment.resourceId === sp.id) this.appRoleAssignments.delete(assignmentId);
  }

  /**
   * Why Graph refuses to delete this app or its service principal, if it does. Provider issue #1388
   * (DeletingSamlSpNotAllowed, "Property appId is invalid") reports the delete of a SAML gallery app
   * failing and working once its identifierUris no longer name an unverified host.
   * unverified: the exact condition is inferred from the workarounds reported there.
   */
  deleteRefusal(application: Application | undefined): string | undefined {
    const sp = application && this.servicePrincipalOfApp(application.appId);
    if (sp?.preferredSingleSignOnMode !== 'saml') return undefined;
    return application!.identifierUris.some((uri) => !this.onVerifiedDomain(uri)) ? 'Property appId is invalid.' : undefined;
  }

  /**
   * Why Graph refuses these identifier URIs, if it does: since Microsoft's breaking change on
   * identifier URIs of non-verified domains, a host that is not a verified domain of the tenant is
   * refused with HostNameNotOnVerifiedDomain unless the app is a SAML app (provider issues #797, #1392).
   */
  identifierUriRefusal(application: Application, identifierUris: string[]): string | undefined {
    if (this.servicePrincipalOfApp(application.appId)?.preferredSingleSignOnMode === 'saml') return undefined;
    const refused = identifierUris.find((uri) => !this.onVerifiedDomain(uri));
    return refused && `Values of identifierUris property must use a verified domain of the organization or its subdomain: '${refused}'`;
  }

  private onVerifiedDomain(uri: string): boolean {
    const host = /^[a-z][\w+.-]*:\/\/([^/:?#]+)/i.exec(uri)?.[1]?.toLowerCase();
    // Identifiers without a host (api://{appId}, urn:…) are not subject to the domain rule.
    return !host || host === this.defaultDomain || host.endsWith(`.${this.defaultDomain}`);
  }

  /** The certificate's Sign and Verify keys (Graph addTokenSigningCertificate: both carry the thumbprint's customKeyIdentifier). */
  addSigningCertificate(sp: ServicePrincipal, key: SigningKey): TokenSigningCertificate {
    const certificate = { ...key, verifyKeyId: randomUUID() };
    sp.signingKeys.push(certificate);
    return certificate;
  }

  deleteUser(id: string): boolean {
    this.forgetPrincipal(id);
    return this.users.delete(id);
  }

  /** Deleting a group removes its app role assignments and its membership in other groups, as Entra does. */
  deleteGroup(id: string): boolean {
    this.forgetPrincipal(id);
    return this.groups.delete(id);
  }

  private forgetPrincipal(id: string): void {
    for (const [assignmentId, assignment] of this.appRoleAssignments) if (assignment.principalId === id) this.appRoleAssignments.delete(assignmentId);
    this.groups.forEach((group) => group.memberIds.delete(id));
  }

  private principalsAssignedTo(spId: string): string[] {
    return [...this.appRoleAssignments.values()].filter((a) => a.resourceId === spId).map((a) => a.principalId);
  }

  /** The groups assigned to a service principal. */
  assignedGroups(spId: string): Group[] {
    return this.principalsAssignedTo(spId).map((id) => this.groups.get(id)).filter((g): g is Group => Boolean(g));
  }

  /**
   * The users a service principal's assignments reach, as provisioning and sign-in see them: those
   * assigned directly and the direct user members of assigned groups. Members of a nested group are
   * not reached (Microsoft Entra "How application provisioning works", scoping; "Known issues":
   * nested groups are not provisioned).
   */
  assignedUsers(spId: string): User[] {
    const direct = this.principalsAssignedTo(spId);
    const throughGroups = this.assignedGroups(spId).flatMap((g) => [...g.memberIds]);
    const ids = [...new Set([...direct, ...throughGroups])];
    return ids.map((id) => this.users.get(id)).filter((u): u is User => Boolean(u));
  }
}

function newServicePrincipal(appId: string, displayName: string): ServicePrincipal {
  return { id: randomUUID(), appId, displayName, preferredSingleSignOnMode: null, loginUrl: null, appRoleAssignmentRequired: false, preferredTokenSigningKeyThumbprint: null, appRoles: [], signingKeys: [], claimsMappingPolicyIds: [] };
}

/**
 * A service principal's keyCredentials and passwordCredentials as Graph lists them. Graph
 * addTokenSigningCertificate: each certificate is a private key (usage Sign) and a public key (usage
 * Verify) plus a password credential that shares the Sign key's keyId; all carry the same
 * customKeyIdentifier, which is the certificate's SHA-1 thumbprint as Edm.Binary (base64), as in the
 * response shown on Graph's concept page application-saml-sso-configure-api.md.
 */
export function credentialsOf(sp: ServicePrincipal) {
  const common = (k: TokenSigningCertificate) => ({ customKeyIdentifier: Buffer.from(k.thumbprint, 'hex').toString('base64'), displayName: k.displayName, endDateTime: k.endDateTime });
  return {
    keyCredentials: sp.signingKeys.flatMap((k) => [
      { ...common(k), keyId: k.keyId, type: 'X509CertAndPassword', usage: 'Sign', key: null },
      { ...common(k), keyId: k.verifyKeyId, type: 'AsymmetricX509Cert', usage: 'Verify', key: new X509Certificate(k.certificatePem).raw.toString('base64') },
    ]),
    passwordCredentials: sp.signingKeys.map((k) => ({ ...common(k), keyId: k.keyId, hint: null, secretText: null })),
  };
}

/**
 * PATCH servicePrincipal with keyCredentials replaces the collection; the provider removes a token
 * signing certificate that way (service_principal_token_signing_certificate_resource.go, Delete).
 * unverified: only removals are modelled; a certificate stays while any of its keys is still listed.
 */
export function keepListedCertificates(sp: ServicePrincipal, keyCredentials: { keyId: string }[]): void {
  const listed = new Set(keyCredentials.map((k) => k.keyId));
  sp.signingKeys = sp.signingKeys.filter((k) => listed.has(k.keyId) || listed.has(k.verifyKeyId));
}
