import { BearerTokenInfo, expiryDay, toleratingGone } from '../clients/console-operations';
import { expiryFinding } from './expiry';
import { ownedTenantIds } from './identity-store-users';
import { already, changed, defineStep, Finding, holds, StepContext } from './step';
import { ensureSyncJob, findSyncJob } from './sync-job';

// Identity Center keeps at most two SCIM tokens per tenant (the console allows two; the
// identity store model's CreateBearerToken has LimitExceededException).
export const MAX_TOKENS = 2;
// Identity Center SCIM access tokens expire after a year (IAM Identity Center user guide, automatic provisioning): warn a month ahead.
export const TOKEN_WARNING_DAYS = 30;

async function saysCredentialsWork({ input, graph }: StepContext): Promise<boolean> {
  const job = await findSyncJob(graph, input.servicePrincipalId);
  return job ? graph.synchronization.savedCredentialsWork(input.servicePrincipalId, job.id) : false;
}

function secretFinding(tokens: readonly BearerTokenInfo[], credentialsWork: boolean, recorded: string | undefined): Finding {
  const gone = recorded && !tokens.some((t) => t.tokenId === recorded) ? `drift: the token the last deploy handed to Entra (${recorded}) no longer exists` : undefined;
  const what = 'synchronization secret';
  if (!credentialsWork) return { what, seen: "Entra's saved credentials fail the connection test", problem: `drift: Entra's synchronization secret no longer works${gone ? `; ${gone}` : ''}: run post-apply`, severity: 'fail' };
  const seen = `Entra's saved credentials pass the connection test${recorded ? ` (token ${recorded})` : ''}`;
  return gone ? { what, seen, problem: gone, severity: 'fail' } : holds(what, seen);
}

/**
 * A token cannot be read back, so a new one is made only when Entra's saved credentials no longer
 * work; at the service's limit of two, the oldest goes first. The token travels from the AWS answer
 * into the Graph request in memory only.
 */
export const scimToken = defineStep('scim-token', {
  async apply({ input, console, graph, notes }) {
    const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
    if (!tenant) throw new Error(`Identity store ${input.identityStoreId} has no provisioning tenant: the "scim-tenant" step must run first`);
    const { job } = await ensureSyncJob(graph, input.servicePrincipalId);
    if (await graph.synchronization.savedCredentialsWork(input.servicePrincipalId, job.id)) return already("Entra's saved SCIM credentials work");

    const tokens = (await console.listBearerTokens(input.identityStoreId, tenant.tenantId)).sort((a, b) => a.creationTime - b.creationTime);
    for (const oldest of tokens.slice(0, Math.max(0, tokens.length - MAX_TOKENS + 1))) {
      await console.deleteBearerToken(input.identityStoreId, tenant.tenantId, oldest.tokenId);
    }
    const { info, token } = await console.createBearerToken(input.identityStoreId, tenant.tenantId);
    await graph.synchronization.putSyncSecrets(input.servicePrincipalId, tenant.scimEndpoint, token);
    if (!(await graph.synchronization.savedCredentialsWork(input.servicePrincipalId, job.id))) {
      throw new Error(`Entra's connection test rejects the new SCIM token ${info.tokenId} for ${tenant.scimEndpoint}: check that automatic provisioning is enabled in Identity Center, then run again`);
    }
    notes.tokenId = info.tokenId;
    return changed(`new token ${info.tokenId}, expires ${expiryDay(info)}`);
  },

  /** The tokens of this deployment's tenant only; another tenant's tokens are not ours to revoke. */
  async undo({ input, console, previous }) {
    const live = await console.listProvisioningTenants(input.identityStoreId);
    const owned = live.filter((t) => ownedTenantIds(live, previous).includes(t.tenantId));
    const deleted: string[] = [];
    for (const tenant of owned) {
      for (const token of await console.listBearerTokens(input.identityStoreId, tenant.tenantId)) {
        if (await toleratingGone(() => console.deleteBearerToken(input.identityStoreId, tenant.tenantId, token.tokenId))) deleted.push(token.tokenId);
      }
    }
    return deleted.length ? changed(`deleted token(s) ${deleted.join(', ')}`) : already('no SCIM token');
  },

  async check(ctx) {
    const { input, console, previous } = ctx;
    const now = ctx.now?.() ?? new Date();
    const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
    const tokens = tenant ? await console.listBearerTokens(input.identityStoreId, tenant.tenantId) : [];
    const expiries = tokens.length
      ? tokens.map((t) => expiryFinding('SCIM token', t.tokenId, new Date(t.expirationTime * 1000), now, TOKEN_WARNING_DAYS, 'run `npm run federation -- rotate-token`'))
      : [{ what: 'SCIM token', seen: 'none', problem: 'no SCIM token exists: run post-apply', severity: 'fail' as const }];
    // The token this run handed over, else the one the last deploy recorded.
    const handedOver = ctx.notes.tokenId ?? previous?.provisioning.tokenId;
    return [...expiries, secretFinding(tokens, await saysCredentialsWork(ctx), handedOver)];
  },
});
