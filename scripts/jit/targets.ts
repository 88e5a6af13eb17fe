import { CreateGroupMembershipCommand, DeleteGroupMembershipCommand, GetGroupMembershipIdCommand, IdentitystoreClient, ListGroupMembershipsForMemberCommand, ListGroupsCommand } from '@aws-sdk/client-identitystore';
import { AppConfig, INSTANCE_NAMES, InstanceName, PrivilegedGroupConfig } from '../../app-config/schema';
import { FederationContext } from '../../app-config/context';
import { awsClients } from '../clients/aws';
import { RecordStore } from '../deploy-record';
import { acquireRunLock, LockStore } from '../run-lock';
import { all, findUser } from '../steps/identity-store-users';
import { JitTarget } from './elevate';
import { JitApp } from './sign-in';

type TiedGroup = JitTarget['group'];

/** The identity store's group SCIM tied to the Entra group (its ExternalIds hold the Entra object id: docs/decisions/0004-groups-tied-by-entra-object-id.md). */
async function tiedGroupId(client: IdentitystoreClient, identityStoreId: string, group: TiedGroup): Promise<string | undefined> {
  const { Groups } = await client.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId, Filters: [{ AttributePath: 'DisplayName', AttributeValue: group.displayName }] }));
  return Groups?.find((g) => (g.ExternalIds ?? []).some((e) => e.Id === group.objectId))?.GroupId;
}

/** Whether the identity store shows the user in the tied group, read back rather than assumed (docs/decisions/0008-read-back-and-one-retry-module.md). */
export async function memberInIdentityStore(client: IdentitystoreClient, identityStoreId: string, group: TiedGroup, userName: string): Promise<boolean> {
  const user = await findUser(client, identityStoreId, userName);
  const groupId = user && (await tiedGroupId(client, identityStoreId, group));
  if (!user || !groupId) return false;
  const memberships = await all(async (NextToken) => {
    const page = await client.send(new ListGroupMembershipsForMemberCommand({ IdentityStoreId: identityStoreId, MemberId: { UserId: user.UserId! }, NextToken }));
    return { items: page.GroupMemberships, next: page.NextToken };
  });
  return memberships.some((m) => m.GroupId === groupId);
}

/**
 * Removes the user's membership of the tied group in the identity store: what takes the access away in AWS
 * without waiting for Entra, whose deactivation waits for its next incremental cycle (Microsoft's AWS IAM Identity
 * Center provisioning tutorial). AWS "Revoke active IAM role sessions created by permission sets", step 3: removing
 * the user's group memberships prevents the user from assuming further roles; the Identity Store API reference puts no
 * restriction on groups an external IdP provisions (it asks for caution: the IdP is not told). 'absent' when there is
 * none: a retry, or Entra's cycle came first.
 */
export async function removeFromIdentityStore(client: IdentitystoreClient, identityStoreId: string, group: TiedGroup, userName: string): Promise<'removed' | 'absent'> {
  const user = await findUser(client, identityStoreId, userName);
  const groupId = user && (await tiedGroupId(client, identityStoreId, group));
  if (!user || !groupId) return 'absent';
  try {
    const { MembershipId } = await client.send(new GetGroupMembershipIdCommand({ IdentityStoreId: identityStoreId, GroupId: groupId, MemberId: { UserId: user.UserId! } }));
    await client.send(new DeleteGroupMembershipCommand({ IdentityStoreId: identityStoreId, MembershipId }));
    return 'removed';
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return 'absent';
    throw error;
  }
}

/**
 * Adds the user to the tied group in the identity store, for an activation Entra's provisioning counts as there
 * already: after a revoke removed it here, Entra still holds it as exported until its next cycle (AWS SCIM GetGroup
 * returns no members, so Entra cannot see the removal), and provisioning on demand answers RedundantExport.
 * 'present' when it is there (ConflictException, Identity Store API reference, CreateGroupMembership).
 */
export async function addToIdentityStore(client: IdentitystoreClient, identityStoreId: string, group: TiedGroup, userName: string): Promise<'added' | 'present'> {
  const user = await findUser(client, identityStoreId, userName);
  const groupId = user && (await tiedGroupId(client, identityStoreId, group));
  if (!user || !groupId) throw new Error(`the identity store holds no ${user ? `group tied to ${group.displayName}` : `user ${userName}`} yet: Entra's provisioning has not carried it`);
  try {
    await client.send(new CreateGroupMembershipCommand({ IdentityStoreId: identityStoreId, GroupId: groupId, MemberId: { UserId: user.UserId! } }));
    return 'added';
  } catch (error) {
    if ((error as Error).name === 'ConflictException') return 'present';
    throw error;
  }
}

/** The identity store user id a Deny keyed on identitystore:userId names (AWS "Revoke active IAM role sessions created by permission sets", step 2). */
async function identityStoreUserId(client: IdentitystoreClient, identityStoreId: string, userName: string): Promise<string | undefined> {
  return (await findUser(client, identityStoreId, userName))?.UserId;
}

/** The longest session duration of the permission sets the group is given in this instance: how long a role session it started may live. */
function longestSession(config: AppConfig, instance: InstanceName, group: string): string | undefined {
  const names = new Set(config.identityCenter.access[instance].filter((e) => e.group === group).map((e) => e.permissionSet));
  const hours = config.identityCenter.permissionSets.filter((p) => names.has(p.name)).map((p) => Number(/^PT(\d+)H$/.exec(p.sessionDuration)![1]));
  return hours.length ? `PT${Math.max(...hours)}H` : undefined;
}

export interface TargetSources {
  readonly config: AppConfig;
  readonly privileged: PrivilegedGroupConfig;
  readonly records: RecordStore;
  readonly locks: LockStore;
  readonly context: FederationContext;
  readonly env: NodeJS.ProcessEnv;
  readonly command: string;
  readonly print: (line: string) => void;
  readonly lockWaitMs?: number;
  /** The instances to change (--instance); both by default. */
  readonly instances?: readonly string[];
}

/**
 * The instances (both, or the one named) as the last deploy recorded them: the app, the privileged
 * group's object id, the identity store; and the JIT app registration to sign in through, if recorded.
 */
export async function jitTargets(sources: TargetSources): Promise<{ targets: JitTarget[]; app?: JitApp }> {
  const targets: JitTarget[] = [];
  let app: JitApp | undefined;
  for (const instance of INSTANCE_NAMES.filter((name) => !sources.instances || sources.instances.includes(name))) {
    const record = await sources.records.read(instance);
    if (!record) throw new Error(`No deploy record of ${instance} in ${sources.records.location}: deploy first (npm run deploy), which provisions ${sources.privileged.group}.`);
    const { input } = record;
    if (input.jitClientId) app = { tenantId: input.tenantId, clientId: input.jitClientId };
    const group = input.groups.find((g) => g.displayName === sources.privileged.group);
    if (!group) throw new Error(`The last deploy of ${instance} did not assign ${sources.privileged.group} to the app: deploy again after adding it to entra.assignedGroups.`);
    const { identityStore } = awsClients(input, { env: sources.env });
    targets.push({
      instance,
      servicePrincipalId: input.servicePrincipalId,
      group: { displayName: group.displayName, objectId: group.objectId },
      portalUrl: sources.context.instances[instance].accessPortalUrl,
      isMember: (userName) => memberInIdentityStore(identityStore, input.identityStoreId, group, userName),
      addMember: (userName) => addToIdentityStore(identityStore, input.identityStoreId, group, userName),
      removeMember: (userName) => removeFromIdentityStore(identityStore, input.identityStoreId, group, userName),
      userId: (userName) => identityStoreUserId(identityStore, input.identityStoreId, userName),
      longestSession: longestSession(sources.config, instance, sources.privileged.group),
      lock: () => acquireRunLock(sources.locks, instance, { command: sources.command, log: sources.print, waitMs: sources.lockWaitMs }),
    });
  }
  return { targets, app };
}
