import { already, changed, labelled } from './step';

export const signingCertificate = labelled('signing-certificate', async ({ input, graph }) => {
  const servicePrincipal = await graph.getServicePrincipal(input.servicePrincipalId);
  const wanted = input.signingCertificateThumbprint.toUpperCase();
  if (servicePrincipal.preferredTokenSigningKeyThumbprint?.toUpperCase() === wanted) return already(`thumbprint ${wanted}`);
  await graph.setPreferredTokenSigningKey(input.servicePrincipalId, wanted);
  return changed(`thumbprint ${wanted} is now active`);
});
