/**
 * SAML 2.0 metadata (the Entra federation metadata document, guide step 3.2.7), read with a real
 * XML parser. Namespace prefixes vary between producers, so elements are matched by local name.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface IdpMetadata {
  readonly entityId: string;
  /** SingleSignOnService locations by binding ("HTTP-Redirect", "HTTP-POST"). */
  readonly singleSignOnUrls: Record<string, string>;
  /** Base64 DER of each signing certificate of the IdP role, in document order. */
  readonly signingCertificates: string[];
}

export class MetadataError extends Error {
  constructor(problem: string) {
    super(`The IdP federation metadata ${problem}.`);
    this.name = 'MetadataError';
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  isArray: (name) => ['RoleDescriptor', 'IDPSSODescriptor', 'KeyDescriptor', 'SingleSignOnService', 'X509Certificate'].includes(name),
});

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function parseIdpMetadata(xml: string): IdpMetadata {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new MetadataError(`is not well-formed XML (${valid.err.msg}, line ${valid.err.line})`);
  const descriptor = parser.parse(xml).EntityDescriptor;
  if (!descriptor) throw new MetadataError('has no EntityDescriptor');
  const entityId: string | undefined = descriptor['@entityID'];
  if (!entityId) throw new MetadataError('has no entityID');
  if (!('IDPSSODescriptor' in descriptor)) throw new MetadataError('has no IDPSSODescriptor (is it an IdP metadata document?)');
  // An empty element parses as '': treat it as a descriptor with nothing in it.
  const idp = asArray<any>(descriptor.IDPSSODescriptor)[0] || {};

  const singleSignOnUrls = Object.fromEntries(
    asArray<any>(idp.SingleSignOnService).map((service) => [String(service['@Binding']).split(':').pop(), service['@Location']]),
  );
  const signingCertificates = asArray<any>(idp.KeyDescriptor)
    .filter((key) => key['@use'] === undefined || key['@use'] === 'signing')
    .flatMap((key) => asArray<any>(key.KeyInfo?.X509Data?.X509Certificate))
    .map((certificate) => String(typeof certificate === 'object' ? certificate['#text'] : certificate).replace(/\s+/g, ''));
  if (signingCertificates.length === 0) throw new MetadataError('has no signing certificate (KeyDescriptor use="signing")');
  return { entityId, singleSignOnUrls, signingCertificates };
}

/** A base64 DER certificate as PEM, the form Identity Center takes. */
export function toPem(base64Der: string): string {
  const lines = base64Der.replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
