/**
 * The rehearsal's groups-across-accounts part: an Organization per partition built in the emulator,
 * the config variant that grants access on its OUs (an explicit rehearsal setting passed to synth
 * as a raw config, never an environment switch of the product), and the checks, each computed from
 * that config and the Organization built here, never from the product's output.
 */
import { DescribeGroupCommand, IdentitystoreClient, ListGroupMembershipsCommand, ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { MoveAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DescribePermissionSetCommand, ListAccountAssignmentsCommand, ListInstancesCommand, ListPermissionSetsCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { rawConfig } from '../../config';
import { INSTANCE_NAMES, InstanceName } from '../../app-config/schema';
import { activeAccountsUnder, buildOrganization, BuiltOrganization, OrganizationShape } from './organization';

// Three OUs (one nested, to exercise the descendant walk), four ACTIVE member accounts and one
// SUSPENDED account that no assignment may reach.
export const REHEARSAL_ORGANIZATION: OrganizationShape = { organizationalUnits: ['Workloads', 'Workloads/Prod', 'Sandbox'], accounts: 5, suspended: 1 };
// Which group gets which permission set on which OUs, by OU name, in both partitions.
const OU_ACCESS = [
  { group: 'AWS-Base', permissionSet: 'BaseViewOnly', ous: ['Workloads', 'Sandbox'] },
  { group: 'AWS-Admins', permissionSet: 'AdministratorAccess', ous: ['Workloads/Prod'] },
];

// The split of the access entries over stacks (docs/access-stacks.md), proven here on a small estate:
// every entry of this group goes to the stack <instance>-access-<stack>, the rest stays in <instance>-access.
export const REHEARSAL_SPLIT = { group: 'AWS-Admins', stack: 'admin' } as const;

export type Organizations = Map<InstanceName, BuiltOrganization>;
type Aws = { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
// The checks read a lot at once; the emulator holds sso-admin to 20 calls a second, as AWS does.
const patient = (aws: Aws) => ({ ...aws, retryMode: 'adaptive', maxAttempts: 10 });

export async function buildOrganizations(endpoint: string, credentials: Aws['credentials']): Promise<Organizations> {
  const built: Organizations = new Map();
  for (const instance of INSTANCE_NAMES) {
    built.set(instance, await buildOrganization(new OrganizationsClient({ region: rawConfig.aws[instance].region, endpoint, credentials }), REHEARSAL_ORGANIZATION));
  }
  return built;
}

/** The hardcoded config with access entries on the OUs of the Organizations built here, REHEARSAL_SPLIT's group in a stack of its own (declared). */
export function rehearsalConfig(organizations: Organizations) {
  const onOus = (organization: BuiltOrganization) => OU_ACCESS.map(({ group, permissionSet, ous }) => ({ group, permissionSet, organizationalUnits: ous.map((ou) => organization.organizationalUnits.get(ou)!) }));
  const split = <T extends { group?: string }>(entry: T) => (entry.group === REHEARSAL_SPLIT.group ? { ...entry, stack: REHEARSAL_SPLIT.stack } : entry);
  const access = Object.fromEntries(INSTANCE_NAMES.map((instance) => [instance, [...rawConfig.identityCenter.access[instance], ...onOus(organizations.get(instance)!)].map(split)]));
  const accessStacks = Object.fromEntries(INSTANCE_NAMES.map((instance) => [instance, [REHEARSAL_SPLIT.stack]]));
  return { ...rawConfig, identityCenter: { ...rawConfig.identityCenter, access, accessStacks } } as typeof rawConfig & { identityCenter: { access: Record<InstanceName, any[]>; accessStacks: Record<InstanceName, string[]> } };
}

export type RehearsalConfig = ReturnType<typeof rehearsalConfig>;

/**
 * The config after an operator removes every entry of REHEARSAL_SPLIT's stack: its last entries. With `declared`,
 * the stack stays listed in identityCenter.accessStacks, as the README tells (its next deploy destroys what it holds);
 * without, the name is removed too, which the app refuses while the stack's state holds resources.
 */
export function withoutSplitEntries(config: RehearsalConfig, { declared }: { declared: boolean }): RehearsalConfig {
  const access = Object.fromEntries(INSTANCE_NAMES.map((instance) => [instance, config.identityCenter.access[instance].filter((e: { stack?: string }) => e.stack !== REHEARSAL_SPLIT.stack)]));
  const accessStacks = Object.fromEntries(INSTANCE_NAMES.map((instance) => [instance, declared ? config.identityCenter.accessStacks[instance] : []]));
  return { ...config, identityCenter: { ...config.identityCenter, access, accessStacks } } as RehearsalConfig;
}

/**
 * Every group assignment the config variant means, as "group|permission set|account": accounts as
 * listed ('current' = the management account, the one the profile resolves to), OUs as their ACTIVE
 * descendant accounts without the management account.
 */
export function expectedGroupAssignments(config: RehearsalConfig, instance: InstanceName, organization: BuiltOrganization): Set<string> {
  const ouName = new Map([...organization.organizationalUnits].map(([name, id]) => [id, name]));
  const expected = new Set<string>();
  for (const entry of config.identityCenter.access[instance] as any[]) {
    if (!entry.group) continue;
    const accounts: string[] = entry.accounts
      ? entry.accounts.map((a: string) => (a === 'current' ? organization.managementAccountId : a))
      : entry.organizationalUnits.flatMap((ou: string) => activeAccountsUnder(organization, ouName.get(ou)!)).filter((a: string) => a !== organization.managementAccountId);
    accounts.forEach((account) => expected.add(`${entry.group}|${entry.permissionSet}|${account}`));
  }
  return expected;
}

/** What the instance holds: every group assignment on every account of the Organization, as "group|permission set|account". */
export async function groupAssignmentsInAws(aws: Aws, organization: BuiltOrganization): Promise<Set<string>> {
  const ssoAdmin = new SSOAdminClient(patient(aws));
  const identityStore = new IdentitystoreClient(patient(aws));
  const [{ InstanceArn, IdentityStoreId }] = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances!;
  const found = new Set<string>();
  for (const PermissionSetArn of (await ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn }))).PermissionSets ?? []) {
    const name = (await ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn }))).PermissionSet!.Name;
    for (const AccountId of [organization.managementAccountId, ...organization.accounts.map((a) => a.id)]) {
      const { AccountAssignments = [] } = await ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn, AccountId, PermissionSetArn }));
      for (const a of AccountAssignments.filter((x) => x.PrincipalType === 'GROUP')) {
        const group = await identityStore.send(new DescribeGroupCommand({ IdentityStoreId, GroupId: a.PrincipalId }));
        found.add(`${group.DisplayName}|${name}|${AccountId}`);
      }
    }
  }
  return found;
}

/** The user names of a group's members in the identity store, or undefined when the group is absent; with its ExternalIds. */
export async function groupInAws(aws: Aws, identityStoreId: string, displayName: string) {
  const identityStore = new IdentitystoreClient(patient(aws));
  const { Groups = [] } = await identityStore.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId }));
  const group = Groups.find((g) => g.DisplayName === displayName);
  if (!group) return undefined;
  const { GroupMemberships = [] } = await identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: group.GroupId }));
  const { Users = [] } = await identityStore.send(new ListUsersCommand({ IdentityStoreId: identityStoreId }));
  const members = GroupMemberships.map((m) => Users.find((u) => u.UserId === m.MemberId?.UserId)?.UserName ?? '?').sort();
  return { externalIds: group.ExternalIds ?? [], members };
}

/** Groups and group memberships left in an identity store (for the leftover check). */
export async function groupObjects(aws: Aws, identityStoreId: string): Promise<number> {
  const identityStore = new IdentitystoreClient(patient(aws));
  const { Groups = [] } = await identityStore.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId }));
  const memberships = await Promise.all(Groups.map(async (g) => (await identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: g.GroupId }))).GroupMemberships?.length ?? 0));
  return Groups.length + memberships.reduce((a, b) => a + b, 0);
}

/** Adds or removes a direct member of an Entra group through Graph (group-post-members, group-delete-members). */
export async function changeEntraMembership(graph: { endpoint: string; accessToken: string }, groupId: string, userId: string, change: 'add' | 'remove'): Promise<void> {
  const headers = { authorization: `Bearer ${graph.accessToken}`, 'content-type': 'application/json' };
  const answer =
    change === 'add'
      ? await fetch(`${graph.endpoint}/v1.0/groups/${groupId}/members/$ref`, { method: 'POST', headers, body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${userId}` }) })
      : await fetch(`${graph.endpoint}/v1.0/groups/${groupId}/members/${userId}/$ref`, { method: 'DELETE', headers });
  if (!answer.ok) throw new Error(`Graph ${change} member ${userId} of group ${groupId}: ${answer.status} ${await answer.text()}`);
}

/** Polls the identity store until the group's members satisfy `wanted`; the seconds it took, or undefined after the timeout. */
export async function untilMembers(aws: Aws, identityStoreId: string, displayName: string, wanted: (members: string[]) => boolean, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const group = await groupInAws(aws, identityStoreId, displayName);
    if (group && wanted(group.members)) return (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/**
 * Moves one ACTIVE account of the OU `from` (not of an OU below it) to the root, as an operator reorganizing the
 * Organization does (Organizations MoveAccount), and returns the Organization as it is now, with the moved account.
 */
export async function moveAccountToRoot(aws: Aws, organization: BuiltOrganization, from: string): Promise<{ moved: string; organization: BuiltOrganization }> {
  const account = organization.accounts.find((a) => a.active && a.ou === from);
  if (!account) throw new Error(`no ACTIVE account directly in ${from} to move`);
  await new OrganizationsClient(aws).send(new MoveAccountCommand({ AccountId: account.id, SourceParentId: organization.organizationalUnits.get(from), DestinationParentId: organization.rootId }));
  return { moved: account.id, organization: { ...organization, accounts: organization.accounts.map((a) => (a === account ? { ...a, ou: '' } : a)) } };
}
