import { createHash } from 'node:crypto';
import { parseIdpMetadata, toPem } from '../saml-metadata';
import { fingerprint } from './identity-source';
import { createdByScim, findUser } from './identity-store-users';
import { already, labelled } from './step';

interface Check {
  readonly what: string;
  readonly ok: boolean;
  readonly seen: string;
}

const sha1Thumbprint = (base64Der: string) => createHash('sha1').update(Buffer.from(base64Der, 'base64')).digest('hex').toUpperCase();

function verificationTable(instance: string, checks: Check[]): string[] {
  const width = Math.max(...checks.map((c) => c.what.length));
  return [`verification of ${instance}:`, ...checks.map((c) => `  ${c.ok ? '✔' : '✖'} ${c.what.padEnd(width)}  ${c.seen}`)];
}

/** Checks against what both clouds hold now, never against the other steps' reports. */
export const verify = labelled('verify', async ({ input, identityStore, console, graph, log }) => {
  const checks: Check[] = [];
  for (const user of input.scimUsers) {
    const found = await findUser(identityStore, input.identityStoreId, user.userPrincipalName);
    checks.push({ what: `${user.userName} created by SCIM`, ok: createdByScim(found), seen: found ? `ExternalIds ${JSON.stringify(found.ExternalIds ?? [])}` : 'absent' });
  }
  const sp = await console.getSpSamlConfig(input.identityStoreId);
  const app = await graph.getApplication(input.applicationObjectId);
  checks.push({ what: 'Entra identifier = Identity Center issuer', ok: app.identifierUris.includes(sp.issuer), seen: app.identifierUris.join(', ') });
  checks.push({ what: 'Entra reply URL = Identity Center ACS URL', ok: app.web.redirectUris.includes(sp.acsUrl), seen: app.web.redirectUris.join(', ') });

  const metadata = parseIdpMetadata(await graph.federationMetadata(input.tenantId, input.applicationClientId));
  const active = metadata.signingCertificates.find((c) => sha1Thumbprint(c) === input.signingCertificateThumbprint.toUpperCase());
  const idp = await console.getExternalIdp(input.identityStoreId);
  checks.push({ what: 'identity source is the external IdP', ok: Boolean(idp?.isEnabled && idp.entityId === metadata.entityId), seen: idp ? `${idp.entityId} (${idp.isEnabled ? 'enabled' : 'disabled'})` : 'Identity Center directory' });
  const idcPrints = new Set((idp?.certificates ?? []).map((c) => fingerprint(c.pem)));
  checks.push({ what: 'IdP certificate = app signing certificate', ok: Boolean(active && idcPrints.has(fingerprint(toPem(active)))), seen: `app thumbprint ${input.signingCertificateThumbprint}` });
  for (const user of input.samlUsers) {
    const found = await findUser(identityStore, input.identityStoreId, user.userPrincipalName);
    checks.push({ what: `${user.userName}: NameID (UPN) matches a user`, ok: Boolean(found), seen: found?.UserName ?? `no user ${user.userPrincipalName}` });
  }

  verificationTable(input.instance, checks).forEach(log);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) throw new Error(`Verification failed: ${failed.map((c) => c.what).join('; ')}`);
  return already(`${checks.length} checks hold`);
});
