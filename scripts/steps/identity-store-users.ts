import { IdentitystoreClient, ListGroupsCommand, ListUsersCommand, User } from '@aws-sdk/client-identitystore';

/** The identity store user with this user name, if any. */
export async function findUser(client: IdentitystoreClient, identityStoreId: string, userName: string): Promise<User | undefined> {
  const { Users } = await client.send(new ListUsersCommand({ IdentityStoreId: identityStoreId, Filters: [{ AttributePath: 'UserName', AttributeValue: userName }] }));
  return Users?.[0];
}

/** Created by SCIM: Identity Center records the provisioning client's id in ExternalIds (design.md §3). */
export function createdByScim(user: User | undefined): boolean {
  return (user?.ExternalIds ?? []).length > 0;
}

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

/** The users and groups that SCIM created (ExternalIds set), every page. */
export async function scimCreated(client: IdentitystoreClient, identityStoreId: string) {
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
