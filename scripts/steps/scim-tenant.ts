import { already, changed, labelled } from './step';

export const scimTenant = labelled('scim-tenant', async ({ input, console }) => {
  const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
  if (tenant) return already(`SCIM endpoint ${tenant.scimEndpoint}`);
  const created = await console.createProvisioningTenant(input.identityStoreId);
  return changed(`SCIM endpoint ${created.scimEndpoint}`);
});
