import { ExternalId, IdentitystoreClient, ListGroupsCommand, ListUsersCommand, User } from '@aws-sdk/client-identitystore';
import { ProvisioningTenant } from '../clients/console-operations';
import { DeployRecord } from '../deploy-record';

/** The identity store user with this user name, if any. */
export async function findUser(client: IdentitystoreClient, identityStoreId: string, userName: string): Promise<User | undefined> {
  const { Users } = await client.send(new ListUsersCommand({ IdentityStoreId: identityStoreId, Filters: [{ AttributePath: 'UserName', AttributeValue: userName }] }));
  return Users?.[0];
}

/**
 * The provisioning tenant named by an ExternalId's issuer: a SCIM-created object carries
 * `arn:<partition>:identitystore:::provisioningtenant/<tenant id>` (unverified: the issuer contains
 * "provisioningtenant" in the answers seen; the exact form is what the AWS emulator writes, listed in
 * docs/verification.md).
 */
export function issuerTenant(issuer: string | undefined): string | undefined {
  return /provisioningtenant\/([^/]+)$/.exec(issuer ?? '')?.[1];
}

/** Created by SCIM through one of these tenants (not by hand, not by another deployment's tenant); any tenant when none are named. */
export function createdByTenants(item: { ExternalIds?: ExternalId[] } | undefined, tenantIds?: readonly string[]): boolean {
  return (item?.ExternalIds ?? []).some((id) => {
    const tenant = issuerTenant(id.Issuer);
    return tenant !== undefined && (!tenantIds || tenantIds.includes(tenant));
  });
}

/**
 * The SCIM tenants this deployment owns: the one the last deploy recorded, else (no record yet, as
 * after a post-apply that stopped half-way) the tenant the scim-tenant step created, the only one
 * Identity Center allows.
 */
export function ownedTenantIds(live: readonly ProvisioningTenant[], previous: DeployRecord | undefined): string[] {
  return previous ? [previous.provisioning.tenantId] : live.map((t) => t.tenantId);
}

/** Every page of a paginated identity store listing. */
export async function all<T>(page: (token?: string) => Promise<{ items?: T[]; next?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const answer = await page(token);
    items.push(...(answer.items ?? []));
    token = answer.next;
  } while (token);
  return items;
}

/** The users and groups that SCIM created through these tenants (any tenant when none are named), every page. */
export async function createdThroughTenants(client: IdentitystoreClient, identityStoreId: string, tenantIds?: readonly string[]) {
  const users = await all(async (NextToken) => {
    const a = await client.send(new ListUsersCommand({ IdentityStoreId: identityStoreId, NextToken }));
    return { items: a.Users, next: a.NextToken };
  });
  const groups = await all(async (NextToken) => {
    const a = await client.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId, NextToken }));
    return { items: a.Groups, next: a.NextToken };
  });
  const ours = <T extends { ExternalIds?: ExternalId[] }>(items: T[]) => items.filter((i) => createdByTenants(i, tenantIds));
  return { users: ours(users), groups: ours(groups) };
}
