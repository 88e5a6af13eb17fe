import { createHash, X509Certificate } from 'node:crypto';
import { ExternalIdp, toleratingGone } from '../clients/console-operations';
import { IdpMetadata, parseIdpMetadata, toPem } from '../saml-metadata';
import { findUser } from './identity-store-users';
import { already, changed, defineStep, fails, Finding, holds, StepContext, StepResult } from './step';

/** Same certificate, whatever the PEM line breaks: compare DER fingerprints. */
export const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

const sha1Thumbprint = (base64Der: string) => createHash('sha1').update(Buffer.from(base64Der, 'base64')).digest('hex').toUpperCase();

/** What Identity Center should hold: Entra's issuer, sign-in URL and the app's signing certificate. */
interface Wanted {
  readonly xml: string;
  readonly metadata: IdpMetadata;
  readonly loginUrl: string;
  readonly pems: string[];
}

async function wanted({ input, graph }: StepContext): Promise<Wanted> {
  const xml = await graph.directory.federationMetadata(input.tenantId, input.applicationClientId);
  const metadata = parseIdpMetadata(xml);
  const loginUrl = metadata.singleSignOnUrls['HTTP-Redirect'] ?? metadata.singleSignOnUrls['HTTP-POST'];
  if (!loginUrl) throw new Error('The Entra federation metadata has no SingleSignOnService location');
  return { xml, metadata, loginUrl, pems: metadata.signingCertificates.map(toPem) };
}

/**
 * This deployment set the IdP if the last deploy recorded it, or (no record yet, as after a
 * post-apply that stopped half-way) it is Entra's issuer holding this app's signing certificate.
 */
async function setByThisDeployment(current: ExternalIdp, ctx: StepContext, wantedNow: () => Promise<Wanted>): Promise<boolean> {
  if (ctx.previous) return ctx.previous.identitySource.idpId === current.idpId;
  const want = await wantedNow();
  const held = new Set(current.certificates.map((c) => fingerprint(c.pem)));
  return current.entityId === want.metadata.entityId && want.pems.some((pem) => held.has(fingerprint(pem)));
}

function refuseForeign(current: ExternalIdp, ctx: StepContext): never {
  throw new Error(
    `Identity Center ${ctx.input.instance} already federates with an external IdP this deployment did not set (${current.entityId}, id ${current.idpId}): ` +
      'nothing was changed. To replace its settings with Entra\'s, run post-apply again with --adopt-identity-source; to keep it, remove this instance from the config.',
  );
}

/** Brings an existing IdP to Entra's issuer, sign-in URL and certificate, changing only what differs. */
async function update(ctx: StepContext, current: ExternalIdp, want: Wanted): Promise<StepResult> {
  const { console, input } = ctx;
  const directoryId = input.identityStoreId;
  const changes: string[] = [];
  if (current.entityId !== want.metadata.entityId || current.loginUrl !== want.loginUrl) {
    await console.updateExternalIdp(directoryId, current.idpId, { entityId: want.metadata.entityId, loginUrl: want.loginUrl });
    changes.push('issuer and sign-in URL updated');
  }
  const held = new Map(current.certificates.map((c) => [fingerprint(c.pem), c.certificateId]));
  const prints = new Set(want.pems.map(fingerprint));
  for (const pem of want.pems.filter((p) => !held.has(fingerprint(p)))) {
    await console.importIdpCertificate(directoryId, current.idpId, pem);
    changes.push('signing certificate imported');
  }
  for (const [print, certificateId] of held) {
    if (prints.has(print)) continue;
    await console.deleteIdpCertificate(directoryId, current.idpId, certificateId);
    changes.push('old certificate removed');
  }
  if (!current.isEnabled) {
    await console.enableExternalIdp(directoryId, current.idpId);
    changes.push('enabled');
  }
  return changes.length ? changed(changes.join(', ')) : already(`external IdP ${want.metadata.entityId} with the app's signing certificate`);
}

async function idpFindings(idp: ExternalIdp | undefined, want: Wanted, ctx: StepContext): Promise<Finding[]> {
  if (!idp) return [fails('identity source', 'Identity Center directory', 'identity source is the Identity Center directory, not Entra: run post-apply')];
  const seen = `external IdP ${idp.entityId} (${idp.isEnabled ? 'enabled' : 'disabled'})`;
  const source = !idp.isEnabled
    ? fails('identity source', seen, 'the external IdP is disabled: run post-apply')
    : !(await setByThisDeployment(idp, ctx, async () => want))
      ? fails('identity source', seen, `drift: identity source is IdP ${idp.idpId} (${idp.entityId}), not the one this deployment set: run post-apply --adopt-identity-source to take it over`)
      : holds('identity source', seen);
  const prints = idp.certificates.map((c) => fingerprint(c.pem)).sort();
  const drifted = [
    idp.entityId !== want.metadata.entityId && `issuer ${idp.entityId} (Entra: ${want.metadata.entityId})`,
    idp.loginUrl !== want.loginUrl && `sign-in URL ${idp.loginUrl} (Entra: ${want.loginUrl})`,
    prints.join() !== want.pems.map(fingerprint).sort().join() && "IdP certificates differ from the app's signing certificate",
  ].filter((d): d is string => Boolean(d));
  const samlSeen = `sign-in ${idp.loginUrl}, ${idp.certificates.length} IdP certificate(s)`;
  return [source, drifted.length ? fails('SAML settings', samlSeen, `drift in SAML settings: ${drifted.join('; ')}: run post-apply`) : holds('SAML settings', samlSeen)];
}

/** The SAML trust from Entra's side (set by Terraform from the context file) and the users who sign in. */
async function samlFindings(ctx: StepContext, want: Wanted): Promise<Finding[]> {
  const { input, console, graph, identityStore } = ctx;
  const sp = await console.getSpSamlConfig(input.identityStoreId);
  const app = await graph.directory.getApplication(input.applicationObjectId);
  const active = want.metadata.signingCertificates.some((c) => sha1Thumbprint(c) === input.signingCertificateThumbprint.toUpperCase());
  const equal = (what: string, ok: boolean, seen: string, fix: string) => (ok ? holds(what, seen) : fails(what, seen, fix));
  const findings = [
    equal('Entra identifier = Identity Center issuer', app.identifierUris.includes(sp.issuer), app.identifierUris.join(', '), `the app's identifier is not ${sp.issuer}: run lookup, then deploy`),
    equal('Entra reply URL = Identity Center ACS URL', app.web.redirectUris.includes(sp.acsUrl), app.web.redirectUris.join(', '), `the app's reply URL is not ${sp.acsUrl}: run lookup, then deploy`),
    equal('Entra metadata signs with the app certificate', active, `app thumbprint ${input.signingCertificateThumbprint}`, 'Entra signs with another certificate: run post-apply'),
  ];
  for (const user of input.samlUsers) {
    const found = await findUser(identityStore, input.identityStoreId, user.userPrincipalName);
    findings.push(equal(`${user.userName}: NameID (UPN) matches a user`, Boolean(found), found?.UserName ?? `no user ${user.userPrincipalName}`, `no Identity Center user ${user.userPrincipalName}: deploy the AWS stacks`));
  }
  return findings;
}

export const identitySource = defineStep('identity-source', {
  /** Creates the external IdP, or brings the one this deployment set (or was told to adopt) to Entra's values. */
  async apply(ctx) {
    const want = await wanted(ctx);
    const current = await ctx.console.getExternalIdp(ctx.input.identityStoreId);
    if (!current) {
      const idpId = await ctx.console.createExternalIdp(ctx.input.identityStoreId, want.xml);
      await ctx.console.enableExternalIdp(ctx.input.identityStoreId, idpId);
      return changed(`external IdP ${want.metadata.entityId} created and enabled`);
    }
    if (!ctx.options?.adoptIdentitySource && !(await setByThisDeployment(current, ctx, async () => want))) refuseForeign(current, ctx);
    return update(ctx, current, want);
  },

  /** Removes only the IdP this deployment set; another stays, and the line says so. */
  async undo(ctx) {
    const idp = await ctx.console.getExternalIdp(ctx.input.identityStoreId);
    if (!idp) return already('the identity source is the Identity Center directory');
    // With a record no Entra call is needed, so a re-run after the app is gone still works.
    if (!(await setByThisDeployment(idp, ctx, () => wanted(ctx)))) return already(`external IdP ${idp.entityId} (${idp.idpId}) was not set by this deployment: left alone`);
    await toleratingGone(() => ctx.console.removeExternalIdp(ctx.input.identityStoreId, idp.idpId));
    return changed(`external IdP ${idp.entityId} removed`);
  },

  async check(ctx) {
    const want = await wanted(ctx);
    const idp = await ctx.console.getExternalIdp(ctx.input.identityStoreId);
    return [...(await idpFindings(idp, want, ctx)), ...(await samlFindings(ctx, want))];
  },
});
