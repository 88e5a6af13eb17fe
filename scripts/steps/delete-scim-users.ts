import {
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  ListGroupMembershipsCommand,
} from '@aws-sdk/client-identitystore';
import { scimCreated } from './identity-store-users';
import { already, changed, labelled } from './step';

/** Terraform owns NikkiWolf; what SCIM created (ExternalIds set) is deleted here, groups first. */
export const deleteScimUsers = labelled('delete-scim-users', async ({ input, identityStore }) => {
  const { users, groups } = await scimCreated(identityStore, input.identityStoreId);
  if (!users.length && !groups.length) return already('no users or groups created by SCIM');
  for (const group of groups) {
    const memberships = await identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: input.identityStoreId, GroupId: group.GroupId }));
    for (const m of memberships.GroupMemberships ?? []) await identityStore.send(new DeleteGroupMembershipCommand({ IdentityStoreId: input.identityStoreId, MembershipId: m.MembershipId }));
    await identityStore.send(new DeleteGroupCommand({ IdentityStoreId: input.identityStoreId, GroupId: group.GroupId }));
  }
  for (const user of users) await identityStore.send(new DeleteUserCommand({ IdentityStoreId: input.identityStoreId, UserId: user.UserId }));
  return changed(`deleted ${users.map((u) => u.UserName).join(', ') || 'no users'} and ${groups.length} group(s)`);
});
