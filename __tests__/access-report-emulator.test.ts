import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateGroupCommand, CreateGroupMembershipCommand, CreateUserCommand, DeleteGroupCommand } from '@aws-sdk/client-identitystore';
import { CreateAccountAssignmentCommand, CreatePermissionSetCommand, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { rawConfig } from '../config';
import { loadConfig } from '../config';
import { AwsEmulator } from '../emulators/aws';
import { buildOrganization } from '../rehearsal/organization';
import { awsClients } from '../scripts/clients/aws';
import { buildAccessReport } from '../scripts/access';
import { CallCount, paceAndCount } from '../scripts/access/collect';
import { awsEmulatorEnv } from '../tooling/aws-emulator-env';
import { describeWithTools } from './support/tools';

const DOMAIN = 'contoso.onmicrosoft.com';
// Graph, faked: no group here is SCIM-made, so nothing is asked of Entra.
const nothingAsked = () => Promise.reject(new Error('no Graph call expected'));
const graph = { groupMemberNames: nothingAsked, listSyncJobs: nothingAsked, pimSchedules: nothingAsked };

describeWithTools(['moto_server'], 'npm run access against the AWS emulator', () => {
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

  it('resolves every assignment to names, marks what the config means, finds the orphan and the unmanaged one', async () => {
    const organization = await buildOrganization(clients.organizations, { organizationalUnits: ['Workloads', 'Workloads/Prod'], accounts: 3, suspended: 1 });
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
    const active = organization.accounts.filter((a) => a.active).map((a) => a.id);
    for (const account of active) await assign(account, 'GROUP', GroupId!);
    await assign(active[0], 'USER', UserId!);
    await assign(active[1], 'GROUP', goneId!);
    await identityStore.send(new DeleteGroupCommand({ IdentityStoreId, GroupId: goneId }));

    const records = { location: 'nowhere', read: async () => undefined, write: async () => undefined, remove: async () => undefined };
    const report = await buildAccessReport({ instances: ['aws-commercial'], config, entraDomain: DOMAIN, records, awsClientsFor: () => clients, graph });

    const [instance] = report.instances;
    if (!instance.readable) throw new Error(instance.reason);
    const rows = instance.assignments.map((r) => `${r.accountId} ${r.permissionSet} ${r.principalType} ${r.principal ?? '(deleted)'} ${r.origin} managed=${r.managedByTerraform} [${r.members?.join(',') ?? ''}]`);
    expect(rows.sort()).toEqual(
      [
        ...active.map((a) => `${a} BaseViewOnly GROUP AWS-Base aws managed=true [NikkiWolf@${DOMAIN}]`),
        `${active[0]} BaseViewOnly USER NikkiWolf@${DOMAIN} aws managed=false []`,
        `${active[1]} BaseViewOnly GROUP (deleted) null managed=false []`,
      ].sort(),
    );
    // moto 5.2.1 and the gateway do not answer ListPermissionSetProvisioningStatus: that part says so and the rest is reported.
    expect(instance.findings.map((f) => `${f.kind}${f.needsAction ? '!' : ''}: ${f.subject}`)).toEqual([
      `orphan!: GROUP ${goneId} on account ${active[1]} (member-3) / BaseViewOnly`,
      `unmanaged!: USER NikkiWolf@${DOMAIN} on account ${active[0]} (member-2) / BaseViewOnly`,
      'not-readable: permission set provisioning',
    ]);
    expect(report.needsAction).toBe(true);
    // Every listing went through the paced clients, and sso-admin was asked per provisioned account.
    expect(calls.get('ssoAdmin.ListAccountAssignments')).toBeGreaterThanOrEqual(active.length);
    expect(calls.get('sts.GetCallerIdentity')).toBe(1);
  });
});
