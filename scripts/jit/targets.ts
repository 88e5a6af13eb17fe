import { IdentitystoreClient, ListGroupMembershipsForMemberCommand, ListGroupsCommand } from '@aws-sdk/client-identitystore';
import { AppConfig, INSTANCE_NAMES, PrivilegedGroupConfig } from '../../app-config/schema';
import { FederationContext } from '../../app-config/context';
import { awsClients } from '../clients/aws';
import { RecordStore } from '../deploy-record';
import { acquireRunLock, LockStore } from '../run-lock';
import { all, findUser } from '../steps/identity-store-users';
import { JitTarget } from './elevate';
import { JitApp } from './sign-in';

/**
 * Whether the identity store shows the user in the group that SCIM tied to the Entra group (its
 * ExternalIds hold the Entra object id, design.md §7), read back rather than assumed (style.md).
 */
export async function memberInIdentityStore(client: IdentitystoreClient, identityStoreId: string, group: JitTarget['group'], userName: string): Promise<boolean> {
  const user = await findUser(client, identityStoreId, userName);
  if (!user) return false;
  const { Groups } = await client.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId, Filters: [{ AttributePath: 'DisplayName', AttributeValue: group.displayName }] }));
  const tied = Groups?.find((g) => (g.ExternalIds ?? []).some((e) => e.Id === group.objectId));
  if (!tied) return false;
  const memberships = await all(async (NextToken) => {
    const page = await client.send(new ListGroupMembershipsForMemberCommand({ IdentityStoreId: identityStoreId, MemberId: { UserId: user.UserId! }, NextToken }));
    return { items: page.GroupMemberships, next: page.NextToken };
  });
  return memberships.some((m) => m.GroupId === tied.GroupId);
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
      lock: () => acquireRunLock(sources.locks, instance, { command: sources.command, log: sources.print, waitMs: sources.lockWaitMs }),
    });
  }
  return { targets, app };
}
