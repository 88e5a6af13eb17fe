/**
 * The console-only Identity Center operations the steps need, as one typed interface with two
 * implementations: the API one here (SigV4-signed JSON, answers validated because the operations
 * are undocumented) and a manual one that walks an operator through the console.
 */
import { z } from 'zod';
import { Secret } from '../secret';
import { APPS_AUTH, AwsApiError, IDENTITY_STORE_PROVISIONING, SignedJsonClient } from './signed-json-client';

export interface SpSamlConfig {
  readonly issuer: string;
  readonly acsUrl: string;
}

export interface ExternalIdp {
  readonly idpId: string;
  readonly isEnabled: boolean;
  readonly entityId: string;
  readonly loginUrl: string;
  /** PEM of each IdP certificate Identity Center holds. */
  readonly certificates: { certificateId: string; pem: string }[];
}

export interface ProvisioningTenant {
  readonly tenantId: string;
  readonly scimEndpoint: string;
}

export interface BearerTokenInfo {
  readonly tokenId: string;
  readonly creationTime: number;
  readonly expirationTime: number;
}

/** A token's expiry day (the service answers epoch seconds). */
export const expiryDay = (token: BearerTokenInfo) => new Date(token.expirationTime * 1000).toISOString().slice(0, 10);

export interface ConsoleOperations {
  getSpSamlConfig(directoryId: string): Promise<SpSamlConfig>;
  getExternalIdp(directoryId: string): Promise<ExternalIdp | undefined>;
  createExternalIdp(directoryId: string, metadataXml: string): Promise<string>;
  enableExternalIdp(directoryId: string, idpId: string): Promise<void>;
  updateExternalIdp(directoryId: string, idpId: string, config: { entityId: string; loginUrl: string }): Promise<void>;
  importIdpCertificate(directoryId: string, idpId: string, pem: string): Promise<void>;
  deleteIdpCertificate(directoryId: string, idpId: string, certificateId: string): Promise<void>;
  /** Back to the Identity Center directory: disable, then delete. */
  removeExternalIdp(directoryId: string, idpId: string): Promise<void>;
  listProvisioningTenants(identityStoreId: string): Promise<ProvisioningTenant[]>;
  createProvisioningTenant(identityStoreId: string): Promise<ProvisioningTenant>;
  deleteProvisioningTenant(identityStoreId: string, tenantId: string): Promise<void>;
  listBearerTokens(identityStoreId: string, tenantId: string): Promise<BearerTokenInfo[]>;
  createBearerToken(identityStoreId: string, tenantId: string): Promise<{ info: BearerTokenInfo; token: Secret }>;
  deleteBearerToken(identityStoreId: string, tenantId: string, tokenId: string): Promise<void>;
}

const tenantSchema = z.object({ TenantId: z.string().min(1), ScimEndpoint: z.string().url() });
const tokenInfoSchema = z.object({ TokenId: z.string().min(1), CreationTime: z.number(), ExpirationTime: z.number() });
const samlConfigSchema = z.object({ entityId: z.string(), loginURL: z.string() });
/**
 * An association carries its SAML values flat (idpSAMLConfig, optional) or nested in
 * idpSAMLAssociationValue {idpSAMLConfig, idpCertificateIds}: the appsauth-control-2018-10-25 model has
 * both, so either may come back; one of them must be there for a SAML identity source.
 */
const associationSchema = z
  .object({
    idpId: z.string().min(1),
    isEnabled: z.boolean(),
    idpSAMLConfig: samlConfigSchema.optional(),
    idpSAMLAssociationValue: z.object({ idpSAMLConfig: samlConfigSchema }).optional(),
  })
  .transform(({ idpSAMLConfig, idpSAMLAssociationValue, ...association }) => ({ ...association, idpSAMLConfig: idpSAMLConfig ?? idpSAMLAssociationValue?.idpSAMLConfig }))
  .refine((association) => association.idpSAMLConfig !== undefined, { message: 'has neither idpSAMLConfig nor idpSAMLAssociationValue.idpSAMLConfig', path: ['idpSAMLConfig'] });
const certificateSchema = z.object({ certificateId: z.string(), x509CertificateInPEM: z.string() });

/** Parses an undocumented answer; a changed shape fails with the operation's name, not later. */
function expectShape<S extends z.ZodType>(operation: string, schema: S, answer: unknown): z.infer<S> {
  const result = schema.safeParse(answer);
  if (!result.success) {
    throw new Error(`${operation} answered in an unexpected shape (${result.error.issues[0].path.join('.')}: ${result.error.issues[0].message}); the console API may have changed: rerun with --manual`);
  }
  return result.data;
}

const toTenant = (t: z.infer<typeof tenantSchema>): ProvisioningTenant => ({ tenantId: t.TenantId, scimEndpoint: t.ScimEndpoint });
const toTokenInfo = (t: z.infer<typeof tokenInfoSchema>): BearerTokenInfo => ({ tokenId: t.TokenId, creationTime: t.CreationTime, expirationTime: t.ExpirationTime });

export class ApiConsoleOperations implements ConsoleOperations {
  constructor(private readonly client: SignedJsonClient) {}

  async getSpSamlConfig(directoryId: string): Promise<SpSamlConfig> {
    const answer = await this.client.call(APPS_AUTH, 'GetAWSSPConfigurationForDirectory', { directoryId });
    const { awsSPSAMLConfig } = expectShape('GetAWSSPConfigurationForDirectory', z.object({ awsSPSAMLConfig: z.object({ issuer: z.string().url(), acsURL: z.string().url() }) }), answer);
    return { issuer: awsSPSAMLConfig.issuer, acsUrl: awsSPSAMLConfig.acsURL };
  }

  async getExternalIdp(directoryId: string): Promise<ExternalIdp | undefined> {
    const answer = await this.client.call(APPS_AUTH, 'ListExternalIdPConfigurationsForDirectory', { directoryId });
    const [association] = expectShape('ListExternalIdPConfigurationsForDirectory', z.object({ associations: z.array(associationSchema) }), answer).associations;
    if (!association) return undefined;
    const certificates = expectShape(
      'ListExternalIdPCertificates',
      z.object({ idPCertificates: z.array(certificateSchema) }),
      await this.client.call(APPS_AUTH, 'ListExternalIdPCertificates', { directoryId, idpId: association.idpId }),
    ).idPCertificates;
    return {
      idpId: association.idpId,
      isEnabled: association.isEnabled,
      entityId: association.idpSAMLConfig!.entityId,
      loginUrl: association.idpSAMLConfig!.loginURL,
      certificates: certificates.map((c) => ({ certificateId: c.certificateId, pem: c.x509CertificateInPEM })),
    };
  }

  async createExternalIdp(directoryId: string, metadataXml: string): Promise<string> {
    const answer = await this.client.call(APPS_AUTH, 'CreateExternalIdPConfigurationForDirectory', { directoryId, idpSAMLMetadata: metadataXml });
    return expectShape('CreateExternalIdPConfigurationForDirectory', z.object({ idpId: z.string().min(1) }), answer).idpId;
  }

  async enableExternalIdp(directoryId: string, idpId: string): Promise<void> {
    await this.client.call(APPS_AUTH, 'EnableExternalIdPConfigurationForDirectory', { directoryId, idpId });
  }

  async updateExternalIdp(directoryId: string, idpId: string, config: { entityId: string; loginUrl: string }): Promise<void> {
    await this.client.call(APPS_AUTH, 'UpdateExternalIdPConfigurationForDirectory', { directoryId, idpId, idpSAMLConfig: { entityId: config.entityId, loginURL: config.loginUrl } });
  }

  async importIdpCertificate(directoryId: string, idpId: string, pem: string): Promise<void> {
    await this.client.call(APPS_AUTH, 'ImportExternalIdPCertificate', { directoryId, idpId, x509CertificateInPEM: pem, certificateUse: 'SIGNING' });
  }

  async deleteIdpCertificate(directoryId: string, idpId: string, certificateId: string): Promise<void> {
    await this.client.call(APPS_AUTH, 'DeleteExternalIdPCertificate', { directoryId, idpId, certificateId });
  }

  async removeExternalIdp(directoryId: string, idpId: string): Promise<void> {
    await this.client.call(APPS_AUTH, 'DisableExternalIdPConfigurationForDirectory', { directoryId, idpId });
    await this.client.call(APPS_AUTH, 'DeleteExternalIdPConfigurationForDirectory', { directoryId, idpId });
  }

  async listProvisioningTenants(identityStoreId: string): Promise<ProvisioningTenant[]> {
    const answer = await this.client.call(IDENTITY_STORE_PROVISIONING, 'ListProvisioningTenants', { IdentityStoreId: identityStoreId });
    return expectShape('ListProvisioningTenants', z.object({ ProvisioningTenants: z.array(tenantSchema) }), answer).ProvisioningTenants.map(toTenant);
  }

  async createProvisioningTenant(identityStoreId: string): Promise<ProvisioningTenant> {
    const answer = await this.client.call(IDENTITY_STORE_PROVISIONING, 'CreateProvisioningTenant', { IdentityStoreId: identityStoreId });
    return toTenant(expectShape('CreateProvisioningTenant', z.object({ ProvisioningTenant: tenantSchema }), answer).ProvisioningTenant);
  }

  async deleteProvisioningTenant(identityStoreId: string, tenantId: string): Promise<void> {
    await this.client.call(IDENTITY_STORE_PROVISIONING, 'DeleteProvisioningTenant', { IdentityStoreId: identityStoreId, TenantId: tenantId });
  }

  async listBearerTokens(identityStoreId: string, tenantId: string): Promise<BearerTokenInfo[]> {
    const answer = await this.client.call(IDENTITY_STORE_PROVISIONING, 'ListBearerTokens', { IdentityStoreId: identityStoreId, TenantId: tenantId });
    return expectShape('ListBearerTokens', z.object({ BearerTokens: z.array(tokenInfoSchema) }), answer).BearerTokens.map(toTokenInfo);
  }

  async createBearerToken(identityStoreId: string, tenantId: string): Promise<{ info: BearerTokenInfo; token: Secret }> {
    const answer = await this.client.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', { IdentityStoreId: identityStoreId, TenantId: tenantId });
    // Checked without echoing: a validation message must not quote the token.
    const parsed = z.object({ BearerToken: tokenInfoSchema.extend({ Token: z.string().min(1) }) }).safeParse(answer);
    if (!parsed.success) throw new Error('CreateBearerToken answered without a token in the expected shape; the console API may have changed: rerun with --manual');
    return { info: toTokenInfo(parsed.data.BearerToken), token: new Secret(parsed.data.BearerToken.Token) };
  }

  async deleteBearerToken(identityStoreId: string, tenantId: string, tokenId: string): Promise<void> {
    await this.client.call(IDENTITY_STORE_PROVISIONING, 'DeleteBearerToken', { IdentityStoreId: identityStoreId, TenantId: tenantId, TokenId: tokenId });
  }
}

/** Runs an undo call and treats "already gone" as done. */
export async function toleratingGone(work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if (error instanceof AwsApiError && error.type === 'ResourceNotFoundException') return false;
    throw error;
  }
}
