import { toleratingGone } from '../clients/console-operations';
import { already, changed, labelled } from './step';

export const deleteScimTenant = labelled('delete-scim-tenant', async ({ input, console }) => {
  const tenants = await console.listProvisioningTenants(input.identityStoreId);
  if (!tenants.length) return already('automatic provisioning is off');
  for (const tenant of tenants) {
    for (const token of await console.listBearerTokens(input.identityStoreId, tenant.tenantId)) {
      await toleratingGone(() => console.deleteBearerToken(input.identityStoreId, tenant.tenantId, token.tokenId));
    }
    await toleratingGone(() => console.deleteProvisioningTenant(input.identityStoreId, tenant.tenantId));
  }
  return changed('tokens and provisioning tenant deleted');
});
