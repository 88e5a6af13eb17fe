import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DescribeGroupCommand,
  GetGroupIdCommand,
  IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import {
  DescribeAccountCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListOrganizationalUnitsForParentCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DetachManagedPolicyFromPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { AwsEmulator } from '../../local/emulators/aws';
import { SSO_ADMIN_LIMITS } from '../../local/emulators/aws/account-assignments';
import { accessOf } from '../../local/emulators/aws/saml-acs';
import { activeAccountsUnder, buildOrganization } from '../../local/rehearsal/organization';
import { IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../../scripts/clients/signed-json-client';

const credentials = { accessKeyId: 'AKIAEMULATORTEST', secretAccessKey: 'emulator' };
// No SDK retry: each test sees the emulator's first answer.
const client = (region: string, endpoint: string) => ({ region, credentials, endpoint, maxAttempts: 1 });

describe('AWS emulator: Organizations, account assignments and their limits, SCIM groups, access after sign-in', () => {
  let emulator: AwsEmulator;
  let ssoAdmin: SSOAdminClient;
  let identityStore: IdentitystoreClient;
  let instanceArn: string;
  let identityStoreId: string;
  let permissionSetArn: string;

  beforeAll(async () => {
    emulator = await AwsEmulator.start();
    ssoAdmin = new SSOAdminClient(client('us-east-1', emulator.endpoint));
    identityStore = new IdentitystoreClient(client('us-east-1', emulator.endpoint));
    ({ InstanceArn: instanceArn, IdentityStoreId: identityStoreId } = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances![0] as any);
    permissionSetArn = (await ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: 'BaseViewOnly' }))).PermissionSet!.PermissionSetArn!;
  });
  afterAll(() => emulator?.stop());
  // Each limit is tested on its own: the others are lifted, so one test's calls cannot throttle the next.
  beforeEach(() => {
    emulator.assignments.limits = { tps: Infinity, outstanding: Infinity };
    emulator.assignments.inProgressMs = 3000;
    emulator.assignments.clock = Date.now;
  });

  const assign = (PrincipalId: string, TargetId: string, PrincipalType: 'USER' | 'GROUP' = 'GROUP') =>
    ssoAdmin.send(new CreateAccountAssignmentCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, PrincipalId, PrincipalType, TargetId, TargetType: 'AWS_ACCOUNT' }));
  const newGroup = async (DisplayName: string) => (await identityStore.send(new CreateGroupCommand({ IdentityStoreId: identityStoreId, DisplayName }))).GroupId!;

  // The calls of the aws provider's data sources (internal/service/organizations/organization_data_source.go:
  // DescribeOrganization, ListAccounts, ListRoots, ListAWSServiceAccessForOrganization;
  // organizational_unit_descendant_accounts_data_source.go: ListAccountsForParent and
  // ListOrganizationalUnitsForParent, recursively), answered by moto through the gateway in each partition,
  // as AWS answers since it retired the account's Status on 2026-09-09: State only.
  it.each([['us-east-1', 'aws'], ['us-gov-west-1', 'aws-us-gov']])('answers what the provider reads of an Organization in %s, SUSPENDED accounts included, with State and without the retired Status', async (region, partition) => {
    const organizations = new OrganizationsClient(client(region, emulator.endpoint));
    const built = await buildOrganization(organizations, { organizationalUnits: ['Workloads', 'Workloads/Prod', 'Sandbox'], accounts: 5, suspended: 1 });
    const organization = (await organizations.send(new DescribeOrganizationCommand({}))).Organization!;
    expect(organization.Arn).toMatch(new RegExp(`^arn:${partition}:organizations::`));
    const listed = (await organizations.send(new ListAccountsCommand({}))).Accounts!;
    expect(listed).toHaveLength(built.accounts.length + 1);
    await organizations.send(new ListAWSServiceAccessForOrganizationCommand({}));
    const descendants = await descendantAccounts(organizations, built.organizationalUnits.get('Workloads')!);
    const under = built.accounts.filter((a) => a.ou.startsWith('Workloads'));
    expect(descendants.map((a) => a.Id).sort()).toEqual(under.map((a) => a.id).sort());
    const described = (await organizations.send(new DescribeAccountCommand({ AccountId: under[0].id }))).Account!;
    for (const account of [...listed, ...descendants, described]) expect(account).not.toHaveProperty('Status');
    // Every state is returned: the ACTIVE filter is the product's job (aws-ia/terraform-aws-permission-sets).
    expect(descendants.filter((a) => a.State === 'ACTIVE').map((a) => a.Id).sort()).toEqual(activeAccountsUnder(built, 'Workloads').sort());
    expect(descendants.some((a) => a.State === 'SUSPENDED')).toBe(true);
  });

  it('answers Status beside State when told to answer as AWS did before 2026-09-09', async () => {
    const organizations = new OrganizationsClient(client('us-east-1', emulator.endpoint));
    emulator.answerAccountStatus('both');
    try {
      const { Accounts = [] } = await organizations.send(new ListAccountsCommand({}));
      expect(Accounts.length).toBeGreaterThan(0);
      expect(Accounts.every((a) => a.Status !== undefined && a.State !== undefined)).toBe(true);
    } finally {
      emulator.answerAccountStatus('retired');
    }
  });

  it('creates a group assignment asynchronously: IN_PROGRESS, then SUCCEEDED', async () => {
    // The test moves the clock, so IN_PROGRESS is seen however slowly a busy machine answers.
    let now = Date.now();
    emulator.assignments.clock = () => now;
    emulator.assignments.inProgressMs = 300;
    const groupId = await newGroup('AWS-Base');
    const { AccountAssignmentCreationStatus: created } = await assign(groupId, '111111111111');
    expect(created).toMatchObject({ Status: 'IN_PROGRESS', PrincipalType: 'GROUP', PrincipalId: groupId });
    const status = () => ssoAdmin.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: instanceArn, AccountAssignmentCreationRequestId: created!.RequestId }));
    expect((await status()).AccountAssignmentCreationStatus!.Status).toBe('IN_PROGRESS');
    now += 300;
    expect((await status()).AccountAssignmentCreationStatus!.Status).toBe('SUCCEEDED');
    const { AccountAssignmentDeletionStatus: deleting } = await ssoAdmin.send(
      new DeleteAccountAssignmentCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, PrincipalId: groupId, PrincipalType: 'GROUP', TargetId: '111111111111', TargetType: 'AWS_ACCOUNT' }),
    );
    expect(deleting!.Status).toBe('IN_PROGRESS');
    now += 300;
    const deleted = await ssoAdmin.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: instanceArn, AccountAssignmentDeletionRequestId: deleting!.RequestId }));
    expect(deleted.AccountAssignmentDeletionStatus!.Status).toBe('SUCCEEDED');
  });

  it('refuses a write past 15 outstanding asynchronous calls with ThrottlingException, and accepts it once one settles', async () => {
    emulator.assignments.limits.outstanding = SSO_ADMIN_LIMITS.outstanding;
    emulator.assignments.inProgressMs = 1000;
    // The clock stands still while the 15 requests go out, however long a busy machine takes to send them;
    // a minute on, so that the earlier tests' requests have settled.
    const instant = Date.now() + 60_000;
    emulator.assignments.clock = () => instant;
    const groupId = await newGroup('Outstanding');
    const accounts = Array.from({ length: SSO_ADMIN_LIMITS.outstanding + 1 }, (_, i) => String(200000000000 + i));
    for (const account of accounts.slice(0, -1)) await assign(groupId, account);
    await expect(assign(groupId, accounts.at(-1)!)).rejects.toMatchObject({ name: 'ThrottlingException' });
    emulator.assignments.clock = () => instant + 1000;
    await expect(assign(groupId, accounts.at(-1)!)).resolves.toBeDefined();
  });

  it('throttles sso-admin past a burst of 20 calls, forwarded calls included', async () => {
    emulator.assignments.limits.tps = SSO_ADMIN_LIMITS.tps;
    // 10 over the burst at one instant (the clock stands still): exactly those 10 are refused.
    const instant = Date.now();
    emulator.assignments.clock = () => instant;
    const calls = await Promise.allSettled(Array.from({ length: SSO_ADMIN_LIMITS.tps + 10 }, () => ssoAdmin.send(new ListInstancesCommand({}))));
    const throttled = calls.filter((c) => c.status === 'rejected' && (c.reason as Error).name === 'ThrottlingException');
    expect(throttled).toHaveLength(10);
  });

  it('shows a SCIM group with its externalId in the identity store, finds it by ExternalId, and by its new name after a rename', async () => {
    const scim = await scimTenant(emulator, identityStoreId);
    const created = await scim('POST', 'Groups', { displayName: 'AWS-Admins', externalId: 'entra-object-id-1', members: [] });
    const group = await identityStore.send(new DescribeGroupCommand({ IdentityStoreId: identityStoreId, GroupId: created.id }));
    expect(group.ExternalIds).toEqual([{ Issuer: expect.stringMatching(/^arn:aws:identitystore:::provisioningtenant\//), Id: 'entra-object-id-1' }]);
    const byExternalId = await identityStore.send(new GetGroupIdCommand({ IdentityStoreId: identityStoreId, AlternateIdentifier: { ExternalId: group.ExternalIds![0] } }));
    expect(byExternalId.GroupId).toBe(created.id);
    await scim('PATCH', `Groups/${created.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'AWS-Admins-Renamed' }] });
    const byName = (name: string) => identityStore.send(new GetGroupIdCommand({ IdentityStoreId: identityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: name } } }));
    expect((await byName('AWS-Admins-Renamed')).GroupId).toBe(created.id);
    await expect(byName('AWS-Admins')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('attaches an AWS managed policy that has a path (job-function/ViewOnlyAccess) and lists it by its real ARN', async () => {
    const ManagedPolicyArn = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess';
    const target = { InstanceArn: instanceArn, PermissionSetArn: permissionSetArn };
    await ssoAdmin.send(new AttachManagedPolicyToPermissionSetCommand({ ...target, ManagedPolicyArn }));
    expect((await ssoAdmin.send(new ListManagedPoliciesInPermissionSetCommand(target))).AttachedManagedPolicies).toEqual([{ Arn: ManagedPolicyArn, Name: 'ViewOnlyAccess' }]);
    await ssoAdmin.send(new DetachManagedPolicyFromPermissionSetCommand({ ...target, ManagedPolicyArn }));
    expect((await ssoAdmin.send(new ListManagedPoliciesInPermissionSetCommand(target))).AttachedManagedPolicies).toEqual([]);
  });

  it('answers after sign-in the accounts and permission sets of the user, directly and through her groups', async () => {
    const userId = (await identityStore.send(new CreateUserCommand({ IdentityStoreId: identityStoreId, UserName: 'NikkiWolf', DisplayName: 'Nikki Wolf', Name: { GivenName: 'Nikki', FamilyName: 'Wolf' } }))).UserId!;
    const [member, other] = [await newGroup('Her group'), await newGroup('Not her group')];
    await identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: identityStoreId, GroupId: member, MemberId: { UserId: userId } }));
    await assign(member, '333333333333');
    await assign(other, '444444444444');
    await assign(userId, '555555555555', 'USER');
    const motoAws = client('us-east-1', emulator.moto.endpoint);
    const access = await accessOf(new IdentitystoreClient(motoAws), new SSOAdminClient(motoAws), identityStoreId, userId);
    expect(access.sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual([
      { accountId: '333333333333', permissionSet: 'BaseViewOnly', via: 'Her group' },
      { accountId: '555555555555', permissionSet: 'BaseViewOnly', via: 'user' },
    ]);
  });
});

/** ListAccountsForParent and ListOrganizationalUnitsForParent, recursively, as the provider's data source walks. */
async function descendantAccounts(organizations: OrganizationsClient, parentId: string): Promise<{ Id?: string; Status?: string; State?: string }[]> {
  const { Accounts = [] } = await organizations.send(new ListAccountsForParentCommand({ ParentId: parentId }));
  const { OrganizationalUnits = [] } = await organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId }));
  const below = await Promise.all(OrganizationalUnits.map((ou) => descendantAccounts(organizations, ou.Id!)));
  return [...Accounts, ...below.flat()];
}

/** A provisioning tenant and token, and a function that calls its SCIM endpoint. */
async function scimTenant(emulator: AwsEmulator, identityStoreId: string) {
  const consoleApi = new SignedJsonClient({ region: 'us-east-1', credentials, endpoint: emulator.endpoint });
  const { ProvisioningTenant } = await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateProvisioningTenant', { IdentityStoreId: identityStoreId });
  const token = (await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', { IdentityStoreId: identityStoreId, TenantId: ProvisioningTenant.TenantId })).BearerToken.Token;
  return async (method: string, path: string, body: unknown) => {
    const answer = await fetch(new URL(path, ProvisioningTenant.ScimEndpoint), { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(body) });
    return answer.status === 204 ? undefined : ((await answer.json()) as any);
  };
}
