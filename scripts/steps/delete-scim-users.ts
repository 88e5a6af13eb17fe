import {
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  IdentitystoreClient,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-identitystore';
import { already, changed, labelled } from './step';

/** Every page of a paginated identity store listing. */
async function all<T>(page: (token?: string) => Promise<{ items?: T[]; next?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const answer = await page(token);
    items.push(...(answer.items ?? []));
    token = answer.next;
  } while (token);
  return items;
}

async function scimCreated(client: IdentitystoreClient, identityStoreId: string) {
  const users = await all(async (NextToken) => {
    const a = await client.send(new ListUsersCommand({ IdentityStoreId: identityStoreId, NextToken }));
    return { items: a.Users, next: a.NextToken };
  });
  const groups = await all(async (NextToken) => {
    const a = await client.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId, NextToken }));
    return { items: a.Groups, next: a.NextToken };
  });
  const bySCIM = <T extends { ExternalIds?: unknown[] }>(items: T[]) => items.filter((i) => (i.ExternalIds ?? []).length > 0);
  return { users: bySCIM(users), groups: bySCIM(groups) };
}

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
