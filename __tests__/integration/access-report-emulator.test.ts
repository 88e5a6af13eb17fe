import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateGroupCommand, CreateGroupMembershipCommand, CreateUserCommand, DeleteGroupCommand } from '@aws-sdk/client-identitystore';
import { MoveAccountCommand } from '@aws-sdk/client-organizations';
import { AttachCustomerManagedPolicyReferenceToPermissionSetCommand, CreateAccountAssignmentCommand, CreatePermissionSetCommand, ListInstancesCommand, ProvisionPermissionSetCommand } from '@aws-sdk/client-sso-admin';
import { rawConfig } from '../../config';
import { loadConfig } from '../../config';
import { AwsEmulator } from '../../local/emulators/aws';
import { buildOrganization } from '../../local/rehearsal/organization';
import { awsClients } from '../../scripts/clients/aws';
import { buildAccessReport } from '../../scripts/access';
import { CallCount, paceAndCount } from '../../scripts/access/collect';
import { awsEmulatorEnv } from '../../local/harness/aws-emulator-env';
import { awsCallsNotAllowed } from '../support/permissions';

const DOMAIN = 'contoso.onmicrosoft.com';
// Graph, faked: no group here is SCIM-made, so nothing is asked of Entra.
const nothingAsked = () => Promise.reject(new Error('no Graph call expected'));
const graph = { directory: { groupMemberNames: nothingAsked }, synchronization: { listSyncJobs: nothingAsked }, pim: { pimSchedules: nothingAsked } };

describe('npm run access against the AWS emulator', () => {
  let emulator: AwsEmulator;
  const calls: CallCount = new Map();
  let clients: ReturnType<typeof awsClients>;

  beforeAll(async () => {
    emulator = await AwsEmulator.start();
    const env = awsEmulatorEnv(mkdtempSync(join(tmpdir(), 'access-')), emulator.endpoint);
    clients = awsClients({ awsProfile: 'aws-commercial', region: 'us-east-1', partition: 'aws' }, { env });
    for (const [label, client] of Object.entries({ ssoAdmin: clients.ssoAdmin, identityStore: clients.identityStore, organizations: clients.organizations, sts: clients.sts })) paceAndCount(client as any, label, calls);
  });
  afterAll(() => emulator?.stop());

  it('resolves every assignment to names, marks what the config means, finds the orphan, the unmanaged one, what a closed or moved account leaves, and what is missing', async () => {
    const organization = await buildOrganization(clients.organizations, { organizationalUnits: ['Workloads', 'Workloads/Prod'], accounts: 4, suspended: 1 });
    const workloads = organization.organizationalUnits.get('Workloads')!;
    const config = loadConfig({ ...rawConfig, identityCenter: { ...rawConfig.identityCenter, access: { ...rawConfig.identityCenter.access, 'aws-commercial': [{ group: 'AWS-Base', permissionSet: 'BaseViewOnly', organizationalUnits: [workloads] }] } } });
    const { ssoAdmin, identityStore } = clients;
    const [{ InstanceArn, IdentityStoreId }] = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances!;
    const PermissionSetArn = (await ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn, Name: 'BaseViewOnly' }))).PermissionSet!.PermissionSetArn!;
    const { UserId } = await identityStore.send(new CreateUserCommand({ IdentityStoreId, UserName: `NikkiWolf@${DOMAIN}`, DisplayName: 'Nikki Wolf', Name: { GivenName: 'Nikki', FamilyName: 'Wolf' } }));
    const { GroupId } = await identityStore.send(new CreateGroupCommand({ IdentityStoreId, DisplayName: 'AWS-Base' }));
    await identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId, MemberId: { UserId: UserId! } }));
    const { GroupId: goneId } = await identityStore.send(new CreateGroupCommand({ IdentityStoreId, DisplayName: 'Recreated' }));
    const assign = (AccountId: string, PrincipalType: 'USER' | 'GROUP', PrincipalId: string) =>
      ssoAdmin.send(new CreateAccountAssignmentCommand({ InstanceArn, PermissionSetArn, TargetId: AccountId, TargetType: 'AWS_ACCOUNT', PrincipalType, PrincipalId }));
    const [closed, ...active] = organization.accounts.map((a) => a.id);
    // The entry's assignments as its stack made them while member-1 was ACTIVE and member-4 in the OU.
    for (const account of [closed, ...active]) await assign(account, 'GROUP', GroupId!);
    await assign(active[0], 'USER', UserId!);
    await assign(active[1], 'GROUP', goneId!);
    await identityStore.send(new DeleteGroupCommand({ IdentityStoreId, GroupId: goneId }));
    const moved = organization.accounts[3];
    await clients.organizations.send(new MoveAccountCommand({ AccountId: moved.id, SourceParentId: organization.organizationalUnits.get(moved.ou), DestinationParentId: organization.rootId }));
    const inOu = active.filter((a) => a !== moved.id);

    const records = { location: 'nowhere', read: async () => undefined, write: async () => undefined, remove: async () => undefined };
    const mark = emulator.requests.mark();
    const report = await buildAccessReport({ instances: ['aws-commercial'], config, entraDomain: DOMAIN, records, awsClientsFor: () => clients, graph });
    // The report needs nothing beyond the generated read-only policy (the status workflow's role).
    const byReport = emulator.requests.since(mark);
    expect(byReport.map((c) => c.operation)).toEqual(expect.arrayContaining(['ListAccountAssignments', 'ListAccounts', 'ListGroupMemberships']));
    expect(awsCallsNotAllowed(byReport, 'aws-commercial', 'read-only')).toEqual([]);

    const [instance] = report.instances;
    if (!instance.readable) throw new Error(instance.reason);
    const rows = instance.assignments.map((r) => `${r.accountId} ${r.permissionSet} ${r.principalType} ${r.principal ?? '(deleted)'} ${r.origin} managed=${r.managedByTerraform} [${r.members?.join(',') ?? ''}]`);
    expect(rows.sort()).toEqual(
      [
        ...inOu.map((a) => `${a} BaseViewOnly GROUP AWS-Base aws managed=true [NikkiWolf@${DOMAIN}]`),
        ...[closed, moved.id].map((a) => `${a} BaseViewOnly GROUP AWS-Base aws managed=false [NikkiWolf@${DOMAIN}]`),
        `${active[0]} BaseViewOnly USER NikkiWolf@${DOMAIN} aws managed=false []`,
        `${active[1]} BaseViewOnly GROUP (deleted) null managed=false []`,
      ].sort(),
    );
    // No provisioning request failed: ListPermissionSetProvisioningStatus (the gateway's) lists none FAILED.
    // The management account carries the base stack's assignments (config.ts identityCenter.assignments), not made here.
    const management = `account ${organization.managementAccountId} (master)`;
    expect(instance.findings.map((f) => `${f.kind}${f.needsAction ? '!' : ''}: ${f.subject}`).sort()).toEqual(
      [
        `orphan!: GROUP ${goneId} on account ${active[1]} (member-3) / BaseViewOnly`,
        `unmanaged!: USER NikkiWolf@${DOMAIN} on account ${active[0]} (member-2) / BaseViewOnly`,
        `out-of-scope!: GROUP AWS-Base on account ${closed} (member-1) / BaseViewOnly`,
        `out-of-scope!: GROUP AWS-Base on account ${moved.id} (member-4) / BaseViewOnly`,
        `missing!: USER NikkiWolf@${DOMAIN} on ${management} / RegionalAdmin`,
        `missing!: USER NikkiWolf@${DOMAIN} on ${management} / AdministratorAccess`,
      ].sort(),
    );
    const outOfScope = instance.findings.filter((f) => f.kind === 'out-of-scope');
    const detailOf = (accountId: string) => outOfScope.find((f) => f.subject.includes(accountId))?.detail;
    expect(detailOf(closed)).toMatch(/^account \d{12} \(member-1\) is no longer ACTIVE \(State SUSPENDED\)/);
    expect(detailOf(moved.id)).toMatch(new RegExp(`^account \\d{12} \\(member-4\\) is no longer in OU ${workloads} and the OUs below it`));
    expect(outOfScope.every((f) => f.action?.startsWith('the next deploy of aws-commercial-access (npm run deploy) deletes this assignment'))).toBe(true);
    expect(instance.findings.filter((f) => f.kind === 'missing').map((f) => f.action)).toEqual(['deploy aws-commercial (npm run deploy)', 'deploy aws-commercial (npm run deploy)']);
    expect(report.needsAction).toBe(true);
    // Every listing went through the paced clients, and sso-admin was asked per provisioned account.
    expect(calls.get('ssoAdmin.ListAccountAssignments')).toBeGreaterThanOrEqual(active.length);
    expect(calls.get('sts.GetCallerIdentity')).toBe(1);
    // Answered as before 2026-09-09, Status beside State: the same report.
    emulator.answerAccountStatus('both');
    const before = await buildAccessReport({ instances: ['aws-commercial'], config, entraDomain: DOMAIN, records, awsClientsFor: () => clients, graph }).finally(() => emulator.answerAccountStatus('retired'));
    expect(before.instances).toEqual(report.instances);
  });

  it('reports a permission set whose provisioning failed in an account where its customer-managed policy is missing, and not where it exists', async () => {
    const { ssoAdmin } = clients;
    const [{ InstanceArn }] = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances!;
    const PermissionSetArn = (await ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn, Name: 'Bounded' }))).PermissionSet!.PermissionSetArn!;
    await ssoAdmin.send(new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({ InstanceArn, PermissionSetArn, CustomerManagedPolicyReference: { Name: 'TeamBoundary', Path: '/teams/' } }));
    const [withPolicy, without] = ['111111111111', '222222222222'];
    await createPolicyIn(withPolicy, 'TeamBoundary', '/teams/');
    const provision = (TargetId: string) => ssoAdmin.send(new ProvisionPermissionSetCommand({ InstanceArn, PermissionSetArn, TargetType: 'AWS_ACCOUNT', TargetId }));
    const statuses = [await provision(withPolicy), await provision(without)].map((a) => `${a.PermissionSetProvisioningStatus?.AccountId} ${a.PermissionSetProvisioningStatus?.Status}`);
    expect(statuses).toEqual([`${withPolicy} SUCCEEDED`, `${without} FAILED`]);

    const records = { location: 'nowhere', read: async () => undefined, write: async () => undefined, remove: async () => undefined };
    const report = await buildAccessReport({ instances: ['aws-commercial'], config: loadConfig(rawConfig), entraDomain: DOMAIN, records, awsClientsFor: () => clients, graph });
    const [instance] = report.instances;
    if (!instance.readable) throw new Error(instance.reason);
    const failed = instance.findings.filter((f) => f.kind === 'provisioning-failed');
    expect(failed.map((f) => `${f.subject}: ${f.detail}`)).toEqual([`account ${without} / Bounded: provisioning failed: Received a 404 status error: Not supported policy arn:aws:iam::${without}:policy/teams/TeamBoundary.`]);
    expect(failed[0].action).toContain(`--permission-set-arn ${PermissionSetArn} --target-type AWS_ACCOUNT --target-id ${without}`);
    expect(calls.get('ssoAdmin.DescribePermissionSetProvisioningStatus')).toBe(1);
  });

  /** IAM CreatePolicy in a given account of moto (its x-moto-account-id header), through the gateway, which forwards IAM untouched. */
  async function createPolicyIn(accountId: string, PolicyName: string, Path: string): Promise<void> {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] });
    const answer = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-moto-account-id': accountId, authorization: 'AWS4-HMAC-SHA256 Credential=AKIATEST/20200101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' },
      body: new URLSearchParams({ Action: 'CreatePolicy', Version: '2010-05-08', PolicyName, Path, PolicyDocument: document }).toString(),
    });
    expect(answer.status).toBe(200);
  }
});
