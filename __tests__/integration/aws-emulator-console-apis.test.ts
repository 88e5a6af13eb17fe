import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsEmulator } from '../../local/emulators/aws';
import { ApiConsoleOperations } from '../../scripts/clients/console-operations';
import { APPS_AUTH, AwsApiError, ConsoleService, IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../../scripts/clients/signed-json-client';
import { federationMetadata, signingCertificate } from '../support/entra-fake';

// identitystoreinternal-2019-11-01 model (Frichetten/aws-api-models), shape TenantId.
const TENANT_ID = /^[A-Za-z0-9]{3}[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

const credentials = { accessKeyId: 'AKIAEMULATORTEST', secretAccessKey: 'emulator' };

describe('AWS emulator: console-only operations', () => {
  let emulator: AwsEmulator;
  let client: SignedJsonClient;
  const identityStoreId = 'd-1234567890';

  beforeAll(async () => {
    emulator = await AwsEmulator.start();
    client = new SignedJsonClient({ region: 'us-east-1', credentials, endpoint: emulator.endpoint });
  });
  afterAll(() => emulator?.stop());

  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: AwsApiError) => ({ type: error.type, status: error.status }));

  it('rejects a request for an operation the service does not have', async () => {
    expect(await rejection(client.call(IDENTITY_STORE_PROVISIONING, 'CreateScimToken', { IdentityStoreId: identityStoreId }))).toEqual({
      type: 'UnknownOperationException',
      status: 400,
    });
  });

  it.each<[string, ConsoleService, string, number]>([
    ['the wrong JSON version', { ...IDENTITY_STORE_PROVISIONING, jsonVersion: '1.0' }, 'SerializationException', 400],
    ['the wrong signing name', { ...IDENTITY_STORE_PROVISIONING, signingName: 'sso' }, 'InvalidSignatureException', 403],
    ['the apps-auth JSON version on identity store', { ...APPS_AUTH, targetPrefix: IDENTITY_STORE_PROVISIONING.targetPrefix, signingName: 'identitystore' }, 'SerializationException', 400],
  ])('rejects %s, as the real service would', async (_case, service, type, status) => {
    expect(await rejection(client.call(service, 'ListProvisioningTenants', { IdentityStoreId: identityStoreId }))).toEqual({ type, status });
  });

  it('keeps one provisioning tenant per identity store, at most two tokens, and shows a token only when it is created', async () => {
    const { ProvisioningTenant: tenant } = await client.call(IDENTITY_STORE_PROVISIONING, 'CreateProvisioningTenant', { IdentityStoreId: identityStoreId });
    expect(tenant.TenantId).toMatch(TENANT_ID);
    expect(tenant.ScimEndpoint).toBe(`${emulator.endpoint}/${tenant.TenantId}/scim/v2/`);
    expect(await rejection(client.call(IDENTITY_STORE_PROVISIONING, 'CreateProvisioningTenant', { IdentityStoreId: identityStoreId }))).toEqual({
      type: 'ConflictException',
      status: 400,
    });

    const ids = { IdentityStoreId: identityStoreId, TenantId: tenant.TenantId };
    const first = (await client.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', ids)).BearerToken;
    expect(first.Token.length).toBeGreaterThan(100);
    expect(first.ExpirationTime - first.CreationTime).toBe(365 * 24 * 3600);
    await client.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', ids);
    expect(await rejection(client.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', ids))).toEqual({ type: 'LimitExceededException', status: 400 });

    const listed = (await client.call(IDENTITY_STORE_PROVISIONING, 'ListBearerTokens', ids)).BearerTokens;
    expect(listed).toHaveLength(2);
    listed.forEach((token: object) => expect(token).not.toHaveProperty('Token'));

    await client.call(IDENTITY_STORE_PROVISIONING, 'DeleteBearerToken', { ...ids, TokenId: first.TokenId });
    await client.call(IDENTITY_STORE_PROVISIONING, 'DeleteProvisioningTenant', ids);
    expect(emulator.leftovers()).toMatchObject({ provisioningTenants: 0, bearerTokens: 0 });
  });

  it('gives stable SP SAML values per directory, in the GovCloud partition for GovCloud regions', async () => {
    const gov = new SignedJsonClient({ region: 'us-gov-west-1', credentials, endpoint: emulator.endpoint });
    const first = (await gov.call(APPS_AUTH, 'GetAWSSPConfigurationForDirectory', { directoryId: identityStoreId })).awsSPSAMLConfig;
    const again = (await gov.call(APPS_AUTH, 'GetAWSSPConfigurationForDirectory', { directoryId: identityStoreId })).awsSPSAMLConfig;
    expect(again).toEqual(first);
    expect(first.issuer).toBe(`https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/${identityStoreId}`);
    expect(first.acsURL).toMatch(/^https:\/\/us-gov-west-1\.signin\.amazonaws-us-gov\.com\/platform\/saml\/acs\/[0-9a-f-]{36}$/);
    expect(first.metadata).toContain(`entityID="${first.issuer}"`);
  });

  it('answers the SP configuration with every member the model requires, commercial issuer and ACS on signin.aws', async () => {
    const answer = await client.call(APPS_AUTH, 'GetAWSSPConfigurationForDirectory', { directoryId: 'd-9067000003' });
    expect(answer).toEqual({ awsSPSAMLConfig: expect.any(Object), awsSPCertificateIds: [], awsSPOIDCConfig: { redirectURL: expect.stringMatching(/^https:\/\//) } });
    expect(answer.awsSPSAMLConfig.issuer).toBe('https://us-east-1.signin.aws/platform/saml/d-9067000003');
    expect(answer.awsSPSAMLConfig.acsURL).toMatch(/^https:\/\/us-east-1\.signin\.aws\/platform\/saml\/acs\/[0-9a-f-]{36}$/);
  });

  it.each(['flat', 'nested'] as const)('answers the external IdP in the %s form of the model, which the product reads', async (form) => {
    const directoryId = form === 'flat' ? 'd-9067000001' : 'd-9067000002';
    emulator.appsAuth.associationForm = form;
    const certificate = await signingCertificate();
    const product = new ApiConsoleOperations(client);
    const idpId = await product.createExternalIdp(directoryId, federationMetadata('72f988bf-86f1-41af-91ab-2d7cd011db47', [certificate]));
    const [association] = (await client.call(APPS_AUTH, 'ListExternalIdPConfigurationsForDirectory', { directoryId })).associations;
    expect(Object.keys(association).sort()).toEqual(form === 'flat' ? ['idpCertificateIds', 'idpId', 'idpSAMLConfig', 'isEnabled'] : ['idpId', 'idpSAMLAssociationValue', 'isEnabled']);
    expect(await product.getExternalIdp(directoryId)).toMatchObject({
      idpId,
      isEnabled: false,
      entityId: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
      loginUrl: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/saml2',
      certificates: [{ certificateId: expect.any(String), pem: expect.stringContaining('BEGIN CERTIFICATE') }],
    });
    await product.removeExternalIdp(directoryId, idpId);
  });

  it('lists IdP certificates with the members and types the model requires', async () => {
    const directoryId = 'd-9067000004';
    const certificate = await signingCertificate();
    const idpId = await new ApiConsoleOperations(client).createExternalIdp(directoryId, federationMetadata('72f988bf-86f1-41af-91ab-2d7cd011db47', [certificate]));
    const [listed] = (await client.call(APPS_AUTH, 'ListExternalIdPCertificates', { directoryId, idpId })).idPCertificates;
    expect(listed).toEqual({
      certificateId: expect.any(String),
      serialNumber: expect.any(Number),
      serialNumberString: expect.stringMatching(/^\d+$/),
      subjectName: expect.stringContaining('Microsoft Azure Federated SSO Certificate'),
      issuerName: expect.any(String),
      signatureAlgorithmName: expect.any(String),
      publicKey: expect.any(String),
      notBefore: expect.any(Number),
      notAfter: expect.any(Number),
      version: 3,
      x509CertificateInPEM: expect.stringContaining('BEGIN CERTIFICATE'),
    });
  });

  it('reads uploaded metadata on its own, never with the product parser', () => {
    const dir = join(__dirname, '..', '..', 'local', 'emulators', 'aws');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      expect({ file, imports: readFileSync(join(dir, file), 'utf8').match(/from '\.\.\/\.\.\/scripts\/[^']+'/g) ?? [] }).toEqual({ file, imports: [] });
    }
  });

  it('counts every request by service, operation and signing access key', () => {
    const counted = emulator.requests.all().find((c) => c.service === 'identitystore-provisioning' && c.operation === 'CreateBearerToken');
    expect(counted).toEqual({ service: 'identitystore-provisioning', operation: 'CreateBearerToken', count: 3, write: true, caller: credentials.accessKeyId });
  });
});
