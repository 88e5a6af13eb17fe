import { BearerTokenInfo, ExternalIdp, ProvisioningTenant } from './clients/console-operations';
import { ServicePrincipal } from './clients/graph';
import { DeployRecord } from './deploy-record';
import { FederationInput } from './federation-input';
import { fingerprint } from './steps/identity-source';
import { StepContext } from './steps/step';

/** What the clouds hold now of what the federation steps set. */
export interface LiveState {
  readonly idp?: ExternalIdp;
  readonly tenant?: ProvisioningTenant;
  readonly tokens: BearerTokenInfo[];
  readonly servicePrincipal: ServicePrincipal;
}

export async function readLiveState({ input, console, graph }: Pick<StepContext, 'input' | 'console' | 'graph'>): Promise<LiveState> {
  const [idp, [tenant], servicePrincipal] = await Promise.all([
    console.getExternalIdp(input.identityStoreId),
    console.listProvisioningTenants(input.identityStoreId),
    graph.directory.getServicePrincipal(input.servicePrincipalId),
  ]);
  const tokens = tenant ? await console.listBearerTokens(input.identityStoreId, tenant.tenantId) : [];
  return { idp, tenant, tokens, servicePrincipal };
}

/**
 * The token Entra holds: the one this run handed over, else the one the last record named if it
 * still exists, else the only token there is.
 */
export function tokenHeldByEntra(tokens: readonly BearerTokenInfo[], handedOver: string | undefined, previous: DeployRecord | undefined): string | undefined {
  if (handedOver) return handedOver;
  const recorded = previous?.provisioning.tokenId;
  if (recorded && tokens.some((t) => t.tokenId === recorded)) return recorded;
  return tokens.length === 1 ? tokens[0].tokenId : undefined;
}

/** The record of a finished deploy; it fails if the steps did not leave the federation in place. */
export function deployRecord(input: FederationInput, live: LiveState, tokenId: string | undefined, now: Date): DeployRecord {
  if (!live.idp || !live.tenant) throw new Error(`${input.instance}: the external IdP or the provisioning tenant is missing after post-apply; run post-apply again`);
  return {
    recordedAt: now.toISOString(),
    input,
    identitySource: {
      idpId: live.idp.idpId,
      entityId: live.idp.entityId,
      loginUrl: live.idp.loginUrl,
      certificateFingerprints: live.idp.certificates.map((c) => fingerprint(c.pem)).sort(),
    },
    entraSigningThumbprint: (live.servicePrincipal.preferredTokenSigningKeyThumbprint ?? '').toUpperCase(),
    provisioning: { tenantId: live.tenant.tenantId, scimEndpoint: live.tenant.scimEndpoint, tokenId },
  };
}
