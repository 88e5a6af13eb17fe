import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { SignedXml } from 'xml-crypto';
import { Application, ClaimsMappingPolicy, ServicePrincipal, SigningKey, User } from './directory';

const NS = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';
const VALIDITY_MS = 60 * 60 * 1000;

/** addTokenSigningCertificate: a new key pair and self-signed certificate, three years by default. */
export async function newSigningKey(displayName: string, endDateTime?: string): Promise<SigningKey> {
  const notAfterDate = endDateTime ? new Date(endDateTime) : new Date(Date.now() + 3 * 365 * 86_400_000);
  const { cert, private: privateKeyPem } = await generate([{ name: 'commonName', value: displayName.replace(/^CN=/, '') }], { keySize: 2048, notAfterDate, algorithm: 'sha256' });
  const certificate = new X509Certificate(cert);
  return {
    keyId: randomUUID(),
    thumbprint: createHash('sha1').update(certificate.raw).digest('hex').toUpperCase(),
    certificatePem: cert,
    privateKeyPem,
    endDateTime: new Date(certificate.validTo).toISOString(),
    displayName,
  };
}

export const base64Der = (pem: string) => new X509Certificate(pem).raw.toString('base64');

const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The claims a policy adds, read from its definition (Graph claimsMappingPolicy resource, ClaimsSchema). */
function mappedClaims(policies: ClaimsMappingPolicy[], user: User): [string, string][] {
  return policies.flatMap((policy) =>
    policy.definition.flatMap((json) => {
      const schema = (JSON.parse(json).ClaimsMappingPolicy?.ClaimsSchema ?? []) as { Source: string; ID: string; SamlClaimType: string }[];
      return schema.filter((claim) => claim.Source === 'user').map((claim): [string, string] => [claim.SamlClaimType, String((user as unknown as Record<string, unknown>)[claim.ID] ?? '')]);
    }),
  );
}

/**
 * An IdP-initiated SAML response for a user of the app, the assertion signed with the service
 * principal's active token signing key: what a browser would post to the ACS URL (guide 3.4).
 */
export function signedResponse(tenantId: string, app: Application, sp: ServicePrincipal, user: User, policies: ClaimsMappingPolicy[], now = Date.now()): { samlResponse: string; destination: string } {
  const key = sp.signingKeys.find((k) => k.thumbprint === sp.preferredTokenSigningKeyThumbprint);
  if (!key) throw new Error('AADSTS500032: the application has no active token signing certificate');
  const [audience] = app.identifierUris;
  const [destination] = app.web.redirectUris;
  if (!audience || !destination) throw new Error('AADSTS650056: the application has no identifier or reply URL');
  const issuer = `https://sts.windows.net/${tenantId}/`;
  const [instant, notBefore, notOnOrAfter] = [now, now - 5 * 60 * 1000, now + VALIDITY_MS].map((t) => new Date(t).toISOString());
  const claims: [string, string][] = [
    ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', user.userPrincipalName],
    ['http://schemas.microsoft.com/identity/claims/tenantid', tenantId],
    ...mappedClaims(policies, user),
  ];
  const attributes = claims.map(([name, value]) => `<saml:Attribute Name="${escape(name)}"><saml:AttributeValue>${escape(value)}</saml:AttributeValue></saml:Attribute>`).join('');
  const assertionId = `_${randomUUID()}`;
  const xml =
    `<samlp:Response ${NS} ID="_${randomUUID()}" Version="2.0" IssueInstant="${instant}" Destination="${escape(destination)}">` +
    `<saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${assertionId}" Version="2.0" IssueInstant="${instant}"><saml:Issuer>${issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escape(user.userPrincipalName)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${escape(destination)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${escape(audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
    `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    '</saml:Assertion></samlp:Response>';

  const signed = signEnveloped(xml, key, "//*[local-name(.)='Assertion']", 'after', "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']");
  return { samlResponse: Buffer.from(signed).toString('base64'), destination };
}

/** The app's federation metadata document, its active signing certificate first, signed with the active key. */
export function federationMetadata(tenantId: string, sp: ServicePrincipal, loginBase: string): string {
  const active = (k: SigningKey) => Number(k.thumbprint === sp.preferredTokenSigningKeyThumbprint);
  const keys = [...sp.signingKeys].sort((a, b) => active(b) - active(a));
  // unverified: that Entra signs the per-app (?appid=) document with the app's own active key.
  return federationMetadataDocument(tenantId, keys.map((k) => base64Der(k.certificatePem)), loginBase, keys[0]);
}

const FED = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706"';
const WS_FED_PROTOCOL = 'protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706"';
const endpoint = (element: string, address: string) =>
  `<fed:${element}><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>${address}</wsa:Address></wsa:EndpointReference></fed:${element}>`;

/**
 * Entra's federation metadata, in the shape Entra serves it (the AAD document recorded in
 * AzureAD/azure-activedirectory-identitymodel-extensions-for-dotnet, test/Microsoft.IdentityModel.Tests/
 * ReferenceMetadata.cs): SAML metadata as the default namespace, an enveloped XML signature first, a
 * WS-Federation RoleDescriptor for the STS and one for the application service, then the
 * IDPSSODescriptor with signing keys, SingleLogoutService and SingleSignOnService. The claim list is
 * abridged to one claim type. Signed when a key is given (the document Entra serves always is).
 */
export function federationMetadataDocument(tenantId: string, base64Certificates: string[], loginBase: string, signingKey?: Pick<SigningKey, 'privateKeyPem' | 'certificatePem'>): string {
  const issuer = `https://sts.windows.net/${tenantId}/`;
  const wsfed = `${loginBase}/${tenantId}/wsfed`;
  const saml2 = `${loginBase}/${tenantId}/saml2`;
  const keys = base64Certificates
    .map((der) => `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${der}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`)
    .join('');
  const claims =
    '<fed:ClaimTypesOffered><auth:ClaimType Uri="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" xmlns:auth="http://docs.oasis-open.org/wsfed/authorization/200706">' +
    '<auth:DisplayName>Name</auth:DisplayName><auth:Description>The mutable display name of the user.</auth:Description></auth:ClaimType></fed:ClaimTypesOffered>';
  const id = `_${randomUUID()}`;
  const xml =
    `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="${id}" entityID="${issuer}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` +
    `<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" ${WS_FED_PROTOCOL} ${FED}>${keys}${claims}${endpoint('SecurityTokenServiceEndpoint', wsfed)}${endpoint('PassiveRequestorEndpoint', wsfed)}</RoleDescriptor>` +
    `<RoleDescriptor xsi:type="fed:ApplicationServiceType" ${WS_FED_PROTOCOL} ${FED}>${keys}${endpoint('TargetScopes', issuer)}${endpoint('ApplicationServiceEndpoint', wsfed)}${endpoint('PassiveRequestorEndpoint', wsfed)}</RoleDescriptor>` +
    `<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}` +
    `<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${saml2}"/>` +
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${saml2}"/>` +
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${saml2}"/>` +
    '</IDPSSODescriptor></EntityDescriptor>';
  return signingKey ? signEnveloped(xml, signingKey, "/*[local-name(.)='EntityDescriptor']", 'prepend') : xml;
}

/** An enveloped RSA-SHA256 XML signature over the element at `xpath`, placed as Entra places it. */
function signEnveloped(xml: string, key: Pick<SigningKey, 'privateKeyPem' | 'certificatePem'>, xpath: string, action: 'prepend' | 'after', location = xpath): string {
  const signature = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signature.addReference({
    xpath,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  signature.computeSignature(xml, { location: { reference: location, action } });
  return signature.getSignedXml();
}
