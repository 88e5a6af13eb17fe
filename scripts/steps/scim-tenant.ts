import { DeleteGroupCommand, DeleteGroupMembershipCommand, DeleteUserCommand, IdentitystoreClient, ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { toleratingGone } from '../clients/console-operations';
import { createdThroughTenants, ownedTenantIds } from './identity-store-users';
import { already, changed, defineStep, fails, holds } from './step';

/** A group's memberships, then the group: the identity store keeps no membership of a deleted group. */
async function deleteGroup(identityStore: IdentitystoreClient, IdentityStoreId: string, GroupId: string): Promise<void> {
  const memberships = await identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId, GroupId }));
  for (const m of memberships.GroupMemberships ?? []) await identityStore.send(new DeleteGroupMembershipCommand({ IdentityStoreId, MembershipId: m.MembershipId }));
  await identityStore.send(new DeleteGroupCommand({ IdentityStoreId, GroupId }));
}

export const scimTenant = defineStep('scim-tenant', {
  async apply({ input, console }) {
    const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
    if (tenant) return already(`SCIM endpoint ${tenant.scimEndpoint}`);
    const created = await console.createProvisioningTenant(input.identityStoreId);
    return changed(`SCIM endpoint ${created.scimEndpoint}`);
  },

  /**
   * Only what this deployment's tenant created goes: an object whose ExternalIds name another
   * tenant (another deployment, another IdP) or none (created by hand) stays, and so do the users
   * Terraform owns (NikkiWolf): Entra adopts her by userName and sets her externalId, so her
   * ExternalIds name our tenant although SCIM did not create her. Groups first, with their memberships.
   */
  async undo({ input, console, identityStore, previous }) {
    const live = await console.listProvisioningTenants(input.identityStoreId);
    const owned = ownedTenantIds(live, previous);
    const terraformOwned = new Set(input.samlUsers.map((u) => u.userPrincipalName.toLowerCase()));
    const created = await createdThroughTenants(identityStore, input.identityStoreId, owned);
    const { groups } = created;
    const users = created.users.filter((u) => !terraformOwned.has((u.UserName ?? '').toLowerCase()));
    for (const group of groups) await deleteGroup(identityStore, input.identityStoreId, group.GroupId!);
    for (const user of users) await identityStore.send(new DeleteUserCommand({ IdentityStoreId: input.identityStoreId, UserId: user.UserId }));
    const tenants = live.filter((t) => owned.includes(t.tenantId));
    for (const tenant of tenants) await toleratingGone(() => console.deleteProvisioningTenant(input.identityStoreId, tenant.tenantId));
    const others = live.length - tenants.length;
    const left = others ? `; ${others} tenant(s) this deployment did not create left alone` : '';
    if (!users.length && !groups.length && !tenants.length) return already(`automatic provisioning is off${left}`);
    return changed(`deleted ${users.map((u) => u.UserName).join(', ') || 'no users'}, ${groups.length} group(s) and ${tenants.length} tenant(s)${left}`);
  },

  async check({ input, console, previous }) {
    const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
    const what = 'SCIM endpoint';
    if (!tenant) return [fails(what, 'automatic provisioning off', 'automatic provisioning is off in Identity Center: run post-apply')];
    const recorded = previous?.provisioning;
    if (recorded && recorded.scimEndpoint !== tenant.scimEndpoint) {
      return [fails(what, tenant.scimEndpoint, `drift: SCIM endpoint ${tenant.scimEndpoint}, the last deploy set ${recorded.scimEndpoint}`)];
    }
    return [holds(what, tenant.scimEndpoint)];
  },
});
