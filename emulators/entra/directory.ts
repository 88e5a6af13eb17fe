import { randomUUID } from 'node:crypto';

/** The gallery app of reference/entra-graph.md, as the emulator's only application template. */
export const AWS_GALLERY_TEMPLATE = {
  id: '21ed01d2-ec13-4e9e-86c1-cd546719ebc4',
  displayName: 'AWS IAM Identity Center (successor to AWS Single Sign-On)',
  supportedSingleSignOnModes: ['saml', 'external'],
  supportedProvisioningTypes: ['sync'],
};
// The app roles an instantiated gallery app carries (reference/entra-graph.md).
export const USER_APP_ROLE_ID = '8774f594-1d59-4279-b9d9-59ef09a23530';
const MSIAM_ACCESS_ROLE_ID = '7dfd756e-8c27-4472-b2b7-38c17fc5de5e';

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

export interface Application {
  id: string;
  appId: string;
  displayName: string;
  identifierUris: string[];
  web: { redirectUris: string[]; homePageUrl?: string | null };
}

export interface SigningKey {
  keyId: string;
  thumbprint: string;
  certificatePem: string;
  privateKeyPem: string;
  endDateTime: string;
  displayName: string;
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  preferredSingleSignOnMode: string | null;
  loginUrl: string | null;
  appRoleAssignmentRequired: boolean;
  preferredTokenSigningKeyThumbprint: string | null;
  appRoles: { id: string; value: string; displayName: string; allowedMemberTypes: string[]; isEnabled: boolean }[];
  signingKeys: SigningKey[];
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
  readonly applications = new Map<string, Application>();
  readonly servicePrincipals = new Map<string, ServicePrincipal>();
  readonly policies = new Map<string, ClaimsMappingPolicy>();
  readonly appRoleAssignments = new Map<string, AppRoleAssignment>();

  constructor(
    readonly tenantId: string,
    readonly defaultDomain: string,
  ) {}

  objectCount(): number {
    return this.users.size + this.applications.size + this.servicePrincipals.size + this.policies.size + this.appRoleAssignments.size;
  }

  instantiate(displayName: string): { application: Application; servicePrincipal: ServicePrincipal } {
    const appId = randomUUID();
    const application: Application = { id: randomUUID(), appId, displayName, identifierUris: [], web: { redirectUris: [], homePageUrl: null } };
    const servicePrincipal: ServicePrincipal = {
      id: randomUUID(),
      appId,
      displayName,
      preferredSingleSignOnMode: null,
      loginUrl: null,
      appRoleAssignmentRequired: true,
      preferredTokenSigningKeyThumbprint: null,
      appRoles: [
        { id: USER_APP_ROLE_ID, value: 'User', displayName: 'User', allowedMemberTypes: ['User'], isEnabled: true },
        { id: MSIAM_ACCESS_ROLE_ID, value: 'msiam_access', displayName: 'msiam_access', allowedMemberTypes: ['User'], isEnabled: true },
      ],
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
    if (sp) {
      this.servicePrincipals.delete(sp.id);
      for (const [assignmentId, assignment] of this.appRoleAssignments) if (assignment.resourceId === sp.id) this.appRoleAssignments.delete(assignmentId);
    }
    return true;
  }

  deleteUser(id: string): boolean {
    for (const [assignmentId, assignment] of this.appRoleAssignments) if (assignment.principalId === id) this.appRoleAssignments.delete(assignmentId);
    return this.users.delete(id);
  }

  /** The users assigned to a service principal, as provisioning and sign-in see them. */
  assignedUsers(spId: string): User[] {
    return [...this.appRoleAssignments.values()].filter((a) => a.resourceId === spId).map((a) => this.users.get(a.principalId)).filter((u): u is User => Boolean(u));
  }
}
