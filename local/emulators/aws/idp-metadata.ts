/**
 * The emulator's own reading of what the federation step uploads: SAML 2.0 IdP metadata and X.509
 * certificates. Independent of the product's parser (scripts/saml-metadata.ts, fast-xml-parser): it
 * walks the DOM of @xmldom/xmldom by namespace, so a defect in the product's reading cannot hide here.
 */
import { DOMParser, Element } from '@xmldom/xmldom';
import { invalid } from './protocol';

// Namespaces of SAML 2.0 metadata (OASIS saml-metadata-2.0-os §2) and XML Signature (W3C xmldsig-core).
const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:';

export interface IdpMetadata {
  readonly entityId: string;
  readonly loginURL: string;
  readonly pems: string[];
}

const children = (parent: Element, name: string, ns = MD): Element[] => Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns);

function parse(xml: string): Element {
  try {
    const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
    if (root) return root;
  } catch {
    // fall through: the service answers a validation error, not the parser's message
  }
  throw invalid('idpSAMLMetadata is not well-formed XML');
}

/**
 * entityID of the EntityDescriptor, the IdP's SingleSignOnService (HTTP-Redirect first, as the console
 * shows it; HTTP-POST otherwise), and the signing certificates of the IDPSSODescriptor only: a
 * RoleDescriptor's keys or the document's own ds:Signature are not the IdP's SAML signing keys.
 */
export function readIdpMetadata(xml: string): IdpMetadata {
  const root = parse(xml);
  if (root.localName !== 'EntityDescriptor' || root.namespaceURI !== MD) throw invalid('idpSAMLMetadata has no md:EntityDescriptor');
  const entityId = root.getAttribute('entityID');
  const [idp] = children(root, 'IDPSSODescriptor');
  if (!entityId || !idp) throw invalid('idpSAMLMetadata has no entityID or no md:IDPSSODescriptor');
  const services = children(idp, 'SingleSignOnService');
  const location = (binding: string) => services.find((s) => s.getAttribute('Binding') === `${BINDING}${binding}`)?.getAttribute('Location');
  const loginURL = location('HTTP-Redirect') ?? location('HTTP-POST');
  if (!loginURL) throw invalid('idpSAMLMetadata has no SingleSignOnService');
  const pems = children(idp, 'KeyDescriptor')
    .filter((key) => ['', 'signing'].includes(key.getAttribute('use') ?? ''))
    .flatMap((key) => children(key, 'KeyInfo', DS).flatMap((info) => children(info, 'X509Data', DS)).flatMap((data) => children(data, 'X509Certificate', DS)))
    .map((certificate) => pemOf(certificate.textContent ?? ''));
  if (pems.length === 0) throw invalid('idpSAMLMetadata has no signing certificate');
  return { entityId, loginURL, pems };
}

function pemOf(base64: string): string {
  const body = base64.replace(/\s+/g, '').match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** One DER element: where its content starts and ends (ITU-T X.690 §8.1). */
function derElement(der: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = der[at];
  const first = der[at + 1];
  if (first < 0x80) return { tag, start: at + 2, end: at + 2 + first };
  const lengthBytes = first & 0x7f;
  const length = der.subarray(at + 2, at + 2 + lengthBytes).reduce((n, byte) => n * 256 + byte, 0);
  return { tag, start: at + 2 + lengthBytes, end: at + 2 + lengthBytes + length };
}

// The signature algorithms a SAML IdP certificate carries, by OID (RFC 4055 §5, RFC 3279 §2.2.1), named as
// Java's X509Certificate.getSigAlgName does. unverified: that the service answers Java's names.
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '2a864886f70d010105': 'SHA1withRSA',
  '2a864886f70d01010b': 'SHA256withRSA',
  '2a864886f70d01010c': 'SHA384withRSA',
  '2a864886f70d01010d': 'SHA512withRSA',
};

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature } (RFC 5280 §4.1). */
export function certificateDetails(der: Buffer): { signatureAlgorithmName: string; version: number } {
  const certificate = derElement(der, 0);
  const tbs = derElement(der, certificate.start);
  const algorithm = derElement(der, tbs.end);
  const oid = derElement(der, algorithm.start);
  const oidHex = der.subarray(oid.start, oid.end).toString('hex');
  // version [0] EXPLICIT Version DEFAULT v1; the INTEGER holds 0 for v1 … 2 for v3 (RFC 5280 §4.1.2.1).
  const first = derElement(der, tbs.start);
  const version = first.tag === 0xa0 ? der[derElement(der, first.start).start] + 1 : 1;
  return { signatureAlgorithmName: SIGNATURE_ALGORITHMS[oidHex] ?? oidHex, version };
}
