import { keyWithThumbprint } from '../clients/graph';
import { expiryFinding } from './expiry';
import { already, changed, defineStep, fails } from './step';

// Entra SAML signing certificates last three years: warn two months ahead.
export const CERTIFICATE_WARNING_DAYS = 60;

/** No undo: the certificate is Terraform's and goes with the app. */
export const signingCertificate = defineStep('signing-certificate', {
  async apply({ input, graph }) {
    const servicePrincipal = await graph.directory.getServicePrincipal(input.servicePrincipalId);
    const wanted = input.signingCertificateThumbprint.toUpperCase();
    if (servicePrincipal.preferredTokenSigningKeyThumbprint?.toUpperCase() === wanted) return already(`thumbprint ${wanted}`);
    await graph.directory.setPreferredTokenSigningKey(input.servicePrincipalId, wanted);
    return changed(`thumbprint ${wanted} is now active`);
  },

  async check({ input, graph, now }) {
    const servicePrincipal = await graph.directory.getServicePrincipal(input.servicePrincipalId);
    const active = (servicePrincipal.preferredTokenSigningKeyThumbprint ?? '').toUpperCase();
    const wanted = input.signingCertificateThumbprint.toUpperCase();
    const what = 'Entra signing certificate';
    const key = active ? keyWithThumbprint(servicePrincipal.keyCredentials ?? [], active) : undefined;
    if (!key) return [fails(what, active || 'none active', `no active Entra signing certificate ${active}: run post-apply`)];
    if (active !== wanted) return [fails(what, active, `drift: Entra signs with ${active}, the deployment set ${wanted}: run post-apply`)];
    const fix = 'add a new certificate in the azure-id stack, deploy, then post-apply imports it';
    return [expiryFinding(what, active, new Date(key.endDateTime), now?.() ?? new Date(), CERTIFICATE_WARNING_DAYS, fix)];
  },
});
