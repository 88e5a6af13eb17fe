import { expiryDay } from '../clients/console-operations';
import { already, changed, labelled } from './step';
import { ensureSyncJob } from './sync-job';

// Identity Center keeps at most two SCIM tokens per tenant (reference/aws-console-apis.md).
export const MAX_TOKENS = 2;

/**
 * A token cannot be read back, so a new one is made only when Entra's saved credentials no longer
 * work; at the service's limit of two, the oldest goes first. The token travels from the AWS answer
 * into the Graph request in memory only.
 */
export const scimToken = labelled('scim-token', async ({ input, console, graph, notes }) => {
  const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
  if (!tenant) throw new Error(`Identity store ${input.identityStoreId} has no provisioning tenant: the "scim-tenant" step must run first`);
  const { job } = await ensureSyncJob(graph, input.servicePrincipalId);
  if (await graph.savedCredentialsWork(input.servicePrincipalId, job.id)) return already('Entra\'s saved SCIM credentials work');

  const tokens = (await console.listBearerTokens(input.identityStoreId, tenant.tenantId)).sort((a, b) => a.creationTime - b.creationTime);
  for (const oldest of tokens.slice(0, Math.max(0, tokens.length - MAX_TOKENS + 1))) {
    await console.deleteBearerToken(input.identityStoreId, tenant.tenantId, oldest.tokenId);
  }
  const { info, token } = await console.createBearerToken(input.identityStoreId, tenant.tenantId);
  await graph.putSyncSecrets(input.servicePrincipalId, tenant.scimEndpoint, token);
  if (!(await graph.savedCredentialsWork(input.servicePrincipalId, job.id))) {
    throw new Error(`Entra's connection test rejects the new SCIM token ${info.tokenId} for ${tenant.scimEndpoint}: check that automatic provisioning is enabled in Identity Center, then run again`);
  }
  notes.tokenId = info.tokenId;
  return changed(`new token ${info.tokenId}, expires ${expiryDay(info)}`);
});
