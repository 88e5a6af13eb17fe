import { randomUUID, X509Certificate } from 'node:crypto';
import { certificateDetails, readIdpMetadata } from './idp-metadata';
import { JsonService } from './json-service';
import { conflict, invalid, notFound, partitionOf } from './protocol';

/** ListExternalIdPCertificates' member shape (appsauth-control-2018-10-25 model): all required but serialNumberString. */
interface IdpCertificate {
  certificateId: string;
  /** A biginteger in the model: a JSON number, so a large serial loses digits here; serialNumberString keeps them. */
  serialNumber: number;
  serialNumberString: string;
  subjectName: string;
  issuerName: string;
  signatureAlgorithmName: string;
  publicKey: string;
  notBefore: number;
  notAfter: number;
  version: number;
  x509CertificateInPEM: string;
}

export interface ExternalIdp {
  idpId: string;
  isEnabled: boolean;
  name?: string;
  idpSAMLConfig: { entityId: string; loginURL: string; wantRequestSigned: boolean };
  certificates: IdpCertificate[];
}

// Sign-in host of the SP SAML values. Commercial: Identity Center's sign-in pages moved to the signin.aws
// domain (AWS Security Blog, "Get ready for upcoming changes in the AWS IAM Identity Center user sign-in
// process"); instances created before answer signin.aws.amazon.com, which the product must accept too.
// unverified: the GovCloud host.
const SIGNIN_HOST = { aws: 'signin.aws', 'aws-us-gov': 'signin.amazonaws-us-gov.com' };

function describeCertificate(pem: string): IdpCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw invalid('x509CertificateInPEM is not a valid X.509 certificate');
  }
  const { signatureAlgorithmName, version } = certificateDetails(certificate.raw);
  const serial = BigInt(`0x${certificate.serialNumber}`);
  return {
    certificateId: randomUUID(),
    serialNumber: Number(serial),
    serialNumberString: serial.toString(10),
    subjectName: certificate.subject,
    issuerName: certificate.issuer,
    signatureAlgorithmName,
    // unverified: the service's encoding of publicKey (sensitive in the model); base64 SubjectPublicKeyInfo here.
    publicKey: certificate.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    notBefore: Date.parse(certificate.validFrom) / 1000,
    notAfter: Date.parse(certificate.validTo) / 1000,
    version,
    x509CertificateInPEM: certificate.toString(),
  };
}

/**
 * ListExternalIdPConfigurationsForDirectory's association (appsauth-control-2018-10-25 model): the SAML
 * values either flat (idpSAMLConfig, idpCertificateIds, both optional) or nested in
 * idpSAMLAssociationValue {idpSAMLConfig, idpCertificateIds} (both required there).
 */
function association({ certificates, idpSAMLConfig, idpId, isEnabled }: ExternalIdp, form: AssociationForm) {
  const idpCertificateIds = certificates.map((c) => ({ certificateId: c.certificateId, status: 'ACTIVE' }));
  return form === 'flat' ? { idpId, isEnabled, idpSAMLConfig, idpCertificateIds } : { idpId, isEnabled, idpSAMLAssociationValue: { idpSAMLConfig, idpCertificateIds } };
}
export type AssociationForm = 'flat' | 'nested';

/**
 * The SAML identity source (guide steps 3.1 and 3.3): console-only operations of the apps-auth
 * control plane (the service models the console ships (Frichetten/aws-api-models, identitystoreinternal-2019-11-01 and appsauth-control-2018-10-25)). The SP values are stable per directory, as the
 * real ones are; one external IdP per directory.
 */
export class AppsAuth {
  readonly idps = new Map<string, ExternalIdp>();
  /** Which of the model's two association forms ListExternalIdPConfigurationsForDirectory answers in. */
  associationForm: AssociationForm = 'flat';
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
      const { entityId, loginURL, pems } = readIdpMetadata(metadataXml);
      return { config: { entityId, loginURL, wantRequestSigned: false }, pems };
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
    return {
      name: 'appsauth',
      targetPrefix: 'AppsAuthControlPlaneService',
      signingName: 'appsauth',
      jsonVersion: '1.0',
      consoleOnly: true,
      operations: {
        GetAWSSPConfigurationForDirectory: ({ body, scope }) => {
          required(body, 'directoryId');
          // All three members are required by the model; unverified: the form of awsSPOIDCConfig.redirectURL.
          const awsSPSAMLConfig = this.spConfig(body.directoryId, scope.region);
          return { awsSPSAMLConfig, awsSPCertificateIds: [], awsSPOIDCConfig: { redirectURL: awsSPSAMLConfig.acsURL.replace('/platform/saml/acs/', '/platform/oidc/callback/') } };
        },
        ListExternalIdPConfigurationsForDirectory: ({ body }) => {
          required(body, 'directoryId');
          const idp = this.idps.get(body.directoryId);
          return { associations: idp ? [association(idp, this.associationForm)] : [] };
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
          const certificate = describeCertificate(body.x509CertificateInPEM);
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
        // The value names are not verified against the real service (the model names no values).
        GetAuthenticationTypeForDirectoryPrivate: ({ body }) => {
          required(body, 'directoryId');
          return { authenticationType: this.idps.get(body.directoryId)?.isEnabled ? 'SAML' : 'AWS_SSO' };
        },
      },
    };
  }
}
