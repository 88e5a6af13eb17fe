import { IdentitystoreClient, ListUsersCommand, User } from '@aws-sdk/client-identitystore';

/** The identity store user with this user name, if any. */
export async function findUser(client: IdentitystoreClient, identityStoreId: string, userName: string): Promise<User | undefined> {
  const { Users } = await client.send(new ListUsersCommand({ IdentityStoreId: identityStoreId, Filters: [{ AttributePath: 'UserName', AttributeValue: userName }] }));
  return Users?.[0];
}

/** Created by SCIM: Identity Center records the provisioning client's id in ExternalIds (design.md §3). */
export function createdByScim(user: User | undefined): boolean {
  return (user?.ExternalIds ?? []).length > 0;
}
