import { randomUUID } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { JsonService } from './json-service';
import { conflict, invalid, notFound, partitionOf } from './protocol';
import { parseIdpMetadata, toPem } from '../../scripts/saml-metadata';

interface IdpCertificate {
  certificateId: string;
  x509CertificateInPEM: string;
  serialNumber: string;
  subjectName: string;
  issuerName: string;
  notBefore: number;
  notAfter: number;
  certificateUse: string;
}

export interface ExternalIdp {
  idpId: string;
  isEnabled: boolean;
  name?: string;
  idpSAMLConfig: { entityId: string; loginURL: string; wantRequestSigned: boolean };
  certificates: IdpCertificate[];
}

const SIGNIN_HOST = { aws: 'signin.aws.amazon.com', 'aws-us-gov': 'signin.amazonaws-us-gov.com' };

function describeCertificate(pem: string, certificateUse = 'SIGNING'): IdpCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw invalid('x509CertificateInPEM is not a valid X.509 certificate');
  }
  return {
    certificateId: randomUUID(),
    x509CertificateInPEM: certificate.toString(),
    serialNumber: certificate.serialNumber,
    subjectName: certificate.subject,
    issuerName: certificate.issuer,
    notBefore: Date.parse(certificate.validFrom) / 1000,
    notAfter: Date.parse(certificate.validTo) / 1000,
    certificateUse,
  };
}

/**
 * The SAML identity source (guide steps 3.1 and 3.3): console-only operations of the apps-auth
 * control plane (reference/aws-console-apis.md). The SP values are stable per directory, as the
 * real ones are; one external IdP per directory.
 */
export class AppsAuth {
  readonly idps = new Map<string, ExternalIdp>();
  private readonly acsIds = new Map<string, string>();
  private readonly regions = new Map<string, string>();

  /** The directory whose ACS URL ends in this id, for the SAML sign-in endpoint. */
  directoryOfAcs(acsId: string): { directoryId: string; region: string } | undefined {
    const directoryId = [...this.acsIds].find(([, id]) => id === acsId)?.[0];
    return directoryId ? { directoryId, region: this.regions.get(directoryId)! } : undefined;
  }

  spConfig(directoryId: string, region: string) {
    this.regions.set(directoryId, region);
    const host = `https://${region}.${SIGNIN_HOST[partitionOf(region)]}/platform/saml`;
    if (!this.acsIds.has(directoryId)) this.acsIds.set(directoryId, randomUUID());
    const issuer = `${host}/${directoryId}`;
    const acsURL = `${host}/acs/${this.acsIds.get(directoryId)}`;
    const metadata =
      `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${issuer}">` +
      '<md:SPSSODescriptor WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
      '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>' +
      `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${acsURL}" index="0"/>` +
      '</md:SPSSODescriptor></md:EntityDescriptor>';
    return { issuer, acsURL, metadata };
  }

  private idpOf(directoryId: string, idpId: string): ExternalIdp {
    const idp = this.idps.get(directoryId);
    if (!idp || idp.idpId !== idpId) throw notFound(`External IdP ${idpId} not found for directory ${directoryId}`);
    return idp;
  }

  private static samlSettings(body: any): { config: ExternalIdp['idpSAMLConfig']; pems: string[] } {
    const metadataXml = body.idpSAMLMetadata ?? body.samlConfiguration?.idpMetadata;
    if (metadataXml) {
      const metadata = parseIdpMetadata(metadataXml);
      const loginURL = metadata.singleSignOnUrls['HTTP-Redirect'] ?? metadata.singleSignOnUrls['HTTP-POST'];
      if (!loginURL) throw invalid('idpSAMLMetadata has no SingleSignOnService');
      return { config: { entityId: metadata.entityId, loginURL, wantRequestSigned: false }, pems: metadata.signingCertificates.map(toPem) };
    }
    const config = body.idpSAMLConfig ?? body.samlConfiguration?.idpConfig;
    const pem = body.idpCertificate ?? body.samlConfiguration?.idpCertificate;
    if (!config?.entityId || !config?.loginURL || !pem) throw invalid('Give idpSAMLMetadata, or idpSAMLConfig {entityId, loginURL} with idpCertificate');
    return { config: { entityId: config.entityId, loginURL: config.loginURL, wantRequestSigned: Boolean(config.wantRequestSigned) }, pems: [pem] };
  }

  service(): JsonService {
    const required = (body: any, ...names: string[]) =>
      names.forEach((name) => {
        if (!body[name]) throw invalid(`${name} is required`);
      });
    const association = ({ certificates, ...idp }: ExternalIdp) => ({
      ...idp,
      idpCertificateIds: certificates.map((c) => ({ certificateId: c.certificateId, status: 'ACTIVE' })),
    });
    return {
      name: 'appsauth',
      targetPrefix: 'AppsAuthControlPlaneService',
      signingName: 'appsauth',
      jsonVersion: '1.0',
      consoleOnly: true,
      operations: {
        GetAWSSPConfigurationForDirectory: ({ body, scope }) => {
          required(body, 'directoryId');
          return { awsSPSAMLConfig: this.spConfig(body.directoryId, scope.region), awsSPCertificateIds: [] };
        },
        ListExternalIdPConfigurationsForDirectory: ({ body }) => {
          required(body, 'directoryId');
          const idp = this.idps.get(body.directoryId);
          return { associations: idp ? [association(idp)] : [] };
        },
        CreateExternalIdPConfigurationForDirectory: ({ body, scope }) => {
          required(body, 'directoryId');
          if (this.idps.has(body.directoryId)) throw conflict(`Directory ${body.directoryId} already has an external IdP configuration`);
          const { config, pems } = AppsAuth.samlSettings(body);
          const idp: ExternalIdp = { idpId: randomUUID(), isEnabled: false, name: body.name, idpSAMLConfig: config, certificates: pems.map((pem) => describeCertificate(pem)) };
          this.idps.set(body.directoryId, idp);
          return {
            idpId: idp.idpId,
            idpCertificateId: idp.certificates[0].certificateId,
            idpCertificateIds: idp.certificates.map((c) => c.certificateId),
            awsSPSAMLConfig: this.spConfig(body.directoryId, scope.region),
          };
        },
        UpdateExternalIdPConfigurationForDirectory: ({ body }) => {
          required(body, 'directoryId', 'idpId');
          const idp = this.idpOf(body.directoryId, body.idpId);
          if (body.idpSAMLConfig) idp.idpSAMLConfig = { ...idp.idpSAMLConfig, ...body.idpSAMLConfig };
          if (body.name) idp.name = body.name;
          return {};
        },
        EnableExternalIdPConfigurationForDirectory: ({ body }) => {
          required(body, 'directoryId', 'idpId');
          this.idpOf(body.directoryId, body.idpId).isEnabled = true;
          return {};
        },
        DisableExternalIdPConfigurationForDirectory: ({ body }) => {
          required(body, 'directoryId', 'idpId');
          this.idpOf(body.directoryId, body.idpId).isEnabled = false;
          return {};
        },
        DeleteExternalIdPConfigurationForDirectory: ({ body }) => {
          required(body, 'directoryId', 'idpId');
          this.idpOf(body.directoryId, body.idpId);
          this.idps.delete(body.directoryId);
          return {};
        },
        ImportExternalIdPCertificate: ({ body }) => {
          required(body, 'directoryId', 'idpId', 'x509CertificateInPEM', 'certificateUse');
          const certificate = describeCertificate(body.x509CertificateInPEM, body.certificateUse);
          this.idpOf(body.directoryId, body.idpId).certificates.push(certificate);
          return { certificateId: certificate.certificateId };
        },
        ListExternalIdPCertificates: ({ body }) => {
          required(body, 'directoryId', 'idpId');
          return { idPCertificates: this.idpOf(body.directoryId, body.idpId).certificates };
        },
        DeleteExternalIdPCertificate: ({ body }) => {
          required(body, 'directoryId', 'idpId', 'certificateId');
          const idp = this.idpOf(body.directoryId, body.idpId);
          const index = idp.certificates.findIndex((c) => c.certificateId === body.certificateId);
          if (index < 0) throw notFound(`Certificate ${body.certificateId} not found`);
          idp.certificates.splice(index, 1);
          return {};
        },
        // The value names are not verified against the real service (reference/aws-console-apis.md).
        GetAuthenticationTypeForDirectoryPrivate: ({ body }) => {
          required(body, 'directoryId');
          return { authenticationType: this.idps.get(body.directoryId)?.isEnabled ? 'SAML' : 'AWS_SSO' };
        },
      },
    };
  }
}
