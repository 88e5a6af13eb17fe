import { X509Certificate } from 'node:crypto';
import { parseIdpMetadata, toPem } from '../saml-metadata';
import { already, changed, labelled } from './step';

/** Same certificate, whatever the PEM line breaks: compare DER fingerprints. */
export const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

export const identitySource = labelled('identity-source', async ({ input, graph, console }) => {
  const xml = await graph.federationMetadata(input.tenantId, input.applicationClientId);
  const metadata = parseIdpMetadata(xml);
  const loginUrl = metadata.singleSignOnUrls['HTTP-Redirect'] ?? metadata.singleSignOnUrls['HTTP-POST'];
  if (!loginUrl) throw new Error('The Entra federation metadata has no SingleSignOnService location');
  const wantedPems = metadata.signingCertificates.map(toPem);
  const directoryId = input.identityStoreId;

  const current = await console.getExternalIdp(directoryId);
  if (!current) {
    const idpId = await console.createExternalIdp(directoryId, xml);
    await console.enableExternalIdp(directoryId, idpId);
    return changed(`external IdP ${metadata.entityId} created and enabled`);
  }

  const changes: string[] = [];
  if (current.entityId !== metadata.entityId || current.loginUrl !== loginUrl) {
    await console.updateExternalIdp(directoryId, current.idpId, { entityId: metadata.entityId, loginUrl });
    changes.push('issuer and sign-in URL updated');
  }
  const held = new Map(current.certificates.map((c) => [fingerprint(c.pem), c.certificateId]));
  const wanted = new Set(wantedPems.map(fingerprint));
  for (const pem of wantedPems.filter((p) => !held.has(fingerprint(p)))) {
    await console.importIdpCertificate(directoryId, current.idpId, pem);
    changes.push('signing certificate imported');
  }
  for (const [print, certificateId] of held) {
    if (wanted.has(print)) continue;
    await console.deleteIdpCertificate(directoryId, current.idpId, certificateId);
    changes.push('old certificate removed');
  }
  if (!current.isEnabled) {
    await console.enableExternalIdp(directoryId, current.idpId);
    changes.push('enabled');
  }
  return changes.length ? changed(changes.join(', ')) : already(`external IdP ${metadata.entityId} with the app's signing certificate`);
});
