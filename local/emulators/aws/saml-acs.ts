import { DescribeGroupCommand, IdentitystoreClient, ListUsersCommand, paginateListGroupMembershipsForMember } from '@aws-sdk/client-identitystore';
import { DescribePermissionSetCommand, ListInstancesCommand, paginateListAccountAssignmentsForPrincipal, PrincipalType, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { AppsAuth } from './apps-auth';

/** One account and permission set the signed-in user may use, and through whom: "user" or the group's name. */
export interface AccessEntry {
  readonly accountId: string;
  readonly permissionSet: string;
  readonly via: string;
}

export interface SignInResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The ACS endpoint of an instance (guide steps 1.3 and 3.4, automated): validates a SAML response
 * with a real SAML library against what the federation step uploaded (IdP issuer and certificates)
 * and the SP values (audience, ACS URL), within its validity window, then finds the user by NameID.
 */
export class SamlAcs {
  constructor(
    private readonly appsAuth: AppsAuth,
    private readonly motoEndpoint: string,
  ) {}

  async signIn(acsId: string, samlResponse: string): Promise<SignInResult> {
    const directory = this.appsAuth.directoryOfAcs(acsId);
    if (!directory) return { status: 404, body: { error: 'No instance has this ACS URL' } };
    const idp = this.appsAuth.idps.get(directory.directoryId);
    if (!idp?.isEnabled) return { status: 403, body: { error: 'The identity source is not an external identity provider' } };
    const sp = this.appsAuth.spConfig(directory.directoryId, directory.region);
    const saml = new SAML({
      callbackUrl: sp.acsURL,
      issuer: sp.issuer,
      audience: sp.issuer,
      idpIssuer: idp.idpSAMLConfig.entityId,
      idpCert: idp.certificates.map((c) => c.x509CertificateInPEM),
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.never,
      acceptedClockSkewMs: 1000,
    });
    let profile;
    try {
      ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse }));
    } catch (error) {
      return { status: 403, body: { error: `SAML response rejected: ${(error as Error).message}` } };
    }
    if (!profile) return { status: 403, body: { error: 'SAML response carries no assertion' } };
    const aws = { endpoint: this.motoEndpoint, region: directory.region, credentials: { accessKeyId: 'AKIAEMULATORACS', secretAccessKey: 'emulator' } };
    const identityStore = new IdentitystoreClient(aws);
    const ssoAdmin = new SSOAdminClient(aws);
    try {
      const { Users } = await identityStore.send(new ListUsersCommand({ IdentityStoreId: directory.directoryId, Filters: [{ AttributePath: 'UserName', AttributeValue: profile.nameID }] }));
      if (!Users?.length) return { status: 403, body: { error: `No user ${profile.nameID} in the identity store` } };
      const access = await accessOf(identityStore, ssoAdmin, directory.directoryId, Users[0].UserId!);
      return { status: 200, body: { userName: profile.nameID, userId: Users[0].UserId, sessionTags: sessionTags(profile.attributes as Record<string, unknown> | undefined), access } };
    } finally {
      identityStore.destroy();
      ssoAdmin.destroy();
    }
  }
}

/** The ABAC session tags a response carries (attributes named …/AccessControl:<key>). */
function sessionTags(attributes: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(attributes ?? {})
      .filter(([name]) => name.startsWith('https://aws.amazon.com/SAML/Attributes/AccessControl:'))
      .map(([name, value]) => [name.split(':').pop(), value]),
  );
}

/**
 * Which accounts and permission sets the user may use: the sso-admin assignments to the user and to
 * every group the user is a direct member of in the identity store (IAM Identity Center user guide,
 * "Assign user or group access to AWS accounts": a group's assignment applies to its members).
 * The answer's shape is this emulator's own: AWS shows it in the access portal after sign-in, and the
 * portal's API (sso ListAccounts / ListAccountRoles) needs an OIDC access token this emulator does not issue.
 */
export async function accessOf(identityStore: IdentitystoreClient, ssoAdmin: SSOAdminClient, identityStoreId: string, userId: string): Promise<AccessEntry[]> {
  const { Instances } = await ssoAdmin.send(new ListInstancesCommand({}));
  const instanceArn = Instances?.find((i) => i.IdentityStoreId === identityStoreId)?.InstanceArn;
  if (!instanceArn) return [];
  const principals: { id: string; type: PrincipalType; via: string }[] = [{ id: userId, type: 'USER', via: 'user' }];
  for await (const page of paginateListGroupMembershipsForMember({ client: identityStore }, { IdentityStoreId: identityStoreId, MemberId: { UserId: userId } })) {
    for (const { GroupId } of page.GroupMemberships ?? []) {
      const group = await identityStore.send(new DescribeGroupCommand({ IdentityStoreId: identityStoreId, GroupId }));
      principals.push({ id: GroupId!, type: 'GROUP', via: group.DisplayName! });
    }
  }
  const names = new Map<string, string>();
  const nameOf = async (arn: string) => {
    if (!names.has(arn)) names.set(arn, (await ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }))).PermissionSet!.Name!);
    return names.get(arn)!;
  };
  const access: AccessEntry[] = [];
  for (const principal of principals) {
    for await (const page of paginateListAccountAssignmentsForPrincipal({ client: ssoAdmin }, { InstanceArn: instanceArn, PrincipalId: principal.id, PrincipalType: principal.type })) {
      for (const a of page.AccountAssignments ?? []) access.push({ accountId: a.AccountId!, permissionSet: await nameOf(a.PermissionSetArn!), via: principal.via });
    }
  }
  return access;
}
