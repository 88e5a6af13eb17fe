import { expiryDay } from '../clients/console-operations';
import { tokenHeldByEntra } from '../deploy-state';
import { MAX_TOKENS } from './scim-token';
import { OPERATE_STEPS } from '../../app-model/steps';
import { changed, Runnable } from './step';
import { findSyncJob } from './sync-job';

/**
 * Entra keeps provisioning with the old token until the new one is saved and has passed the
 * connection test; only then does the old one go. The service allows two tokens, so a spare one
 * that Entra does not hold is deleted first to make room.
 */
export const rotateToken: Runnable = {
  ...OPERATE_STEPS.find((step) => step.id === 'rotate-token')!,
  run: async ({ input, console, graph, previous, notes }) => {
    const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
    const job = await findSyncJob(graph, input.servicePrincipalId);
    if (!tenant || !job) throw new Error(`${input.instance} is not provisioning yet (no ${tenant ? 'Entra provisioning job' : 'provisioning tenant'}): run post-apply first`);
    const ids = [input.identityStoreId, tenant.tenantId] as const;
    const before = (await console.listBearerTokens(...ids)).sort((a, b) => a.creationTime - b.creationTime);
    const held = tokenHeldByEntra(before, undefined, previous);
    if (before.length >= MAX_TOKENS && !held) {
      throw new Error(`${before.length} SCIM tokens exist and no deploy record says which one Entra holds: run post-apply (it records the working token), then rotate`);
    }
    const spares = before.filter((t) => t.tokenId !== held);
    for (const spare of spares) await console.deleteBearerToken(...ids, spare.tokenId);

    const { info, token } = await console.createBearerToken(...ids);
    await graph.synchronization.putSyncSecrets(input.servicePrincipalId, tenant.scimEndpoint, token);
    if (!(await graph.synchronization.savedCredentialsWork(input.servicePrincipalId, job.id))) {
      throw new Error(`Entra's connection test rejects the new SCIM token ${info.tokenId}; the old token ${held ?? '(unknown)'} was kept in Identity Center, but Entra now holds the new one: run post-apply to hand over a working token`);
    }
    notes.tokenId = info.tokenId;
    if (held) await console.deleteBearerToken(...ids, held);
    const dropped = [...spares.map((t) => `spare ${t.tokenId}`), ...(held ? [`old ${held}`] : [])];
    return changed(`token ${info.tokenId} (expires ${expiryDay(info)}) handed to Entra and tested${dropped.length ? `; deleted ${dropped.join(', ')}` : ''}`);
  },
};
