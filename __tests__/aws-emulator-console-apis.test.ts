import { AwsEmulator } from '../emulators/aws';
import { APPS_AUTH, AwsApiError, ConsoleService, IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../scripts/clients/signed-json-client';
import { describeWithTools } from './support/tools';

const credentials = { accessKeyId: 'AKIAEMULATORTEST', secretAccessKey: 'emulator' };

describeWithTools(['moto_server'], 'AWS emulator: console-only operations', () => {
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
    expect(tenant.ScimEndpoint).toBe(`${emulator.endpoint}/${tenant.TenantId}/scim/v2`);
    expect(await rejection(client.call(IDENTITY_STORE_PROVISIONING, 'CreateProvisioningTenant', { IdentityStoreId: identityStoreId }))).toEqual({
      type: 'ConflictException',
      status: 400,
    });

    const ids = { IdentityStoreId: identityStoreId, TenantId: tenant.TenantId };
    const first = (await client.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', ids)).BearerToken;
    expect(first.Token.length).toBeGreaterThan(100);
    expect(first.ExpirationTime - first.CreationTime).toBe(365 * 24 * 3600);
    await client.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', ids);
    expect(await rejection(client.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', ids))).toEqual({ type: 'ServiceQuotaExceededException', status: 400 });

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

  it('counts every request by service, operation and signing access key', () => {
    const counted = emulator.requests.all().find((c) => c.service === 'identitystore-provisioning' && c.operation === 'CreateBearerToken');
    expect(counted).toEqual({ service: 'identitystore-provisioning', operation: 'CreateBearerToken', count: 3, write: true, caller: credentials.accessKeyId });
  });
});
