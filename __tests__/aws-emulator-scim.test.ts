import { DescribeUserCommand, IdentitystoreClient, ListUsersCommand, ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AwsEmulator } from '../emulators/aws';
import { IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../scripts/clients/signed-json-client';
import { describeWithTools } from './support/tools';

const credentials = { accessKeyId: 'AKIAEMULATORTEST', secretAccessKey: 'emulator' };
const region = 'us-east-1';

const richRoe = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'RichRoe@contoso.onmicrosoft.com',
  externalId: 'RichRoe',
  displayName: 'Richard Roe',
  name: { givenName: 'Richard', familyName: 'Roe' },
  emails: [{ value: 'RichRoe@contoso.onmicrosoft.com', type: 'work', primary: true }],
  active: true,
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Engineering' },
};

describeWithTools(['moto_server'], 'AWS emulator: SCIM endpoint', () => {
  let emulator: AwsEmulator;
  let identityStore: IdentitystoreClient;
  let identityStoreId: string;
  let scimEndpoint: string;
  let token: string;

  const scim = (method: string, path: string, body?: unknown, bearer = token) =>
    fetch(new URL(path, scimEndpoint), {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: (response.status === 204 ? undefined : await response.json()) as any }));

  beforeAll(async () => {
    emulator = await AwsEmulator.start();
    const aws = { region, credentials, endpoint: emulator.endpoint };
    identityStore = new IdentitystoreClient(aws);
    identityStoreId = (await new SSOAdminClient(aws).send(new ListInstancesCommand({}))).Instances![0].IdentityStoreId!;
    const consoleApi = new SignedJsonClient(aws);
    const { ProvisioningTenant } = await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateProvisioningTenant', { IdentityStoreId: identityStoreId });
    scimEndpoint = ProvisioningTenant.ScimEndpoint;
    token = (await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', { IdentityStoreId: identityStoreId, TenantId: ProvisioningTenant.TenantId })).BearerToken.Token;
  });
  afterAll(() => emulator?.stop());

  let richRoeId: string;

  it('creates a user that the identity store then shows as created by SCIM', async () => {
    const created = await scim('POST', 'Users', richRoe);
    expect(created.status).toBe(201);
    richRoeId = created.body.id;
    const user = await identityStore.send(new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId: richRoeId }));
    expect(user).toMatchObject({ UserName: richRoe.userName, DisplayName: 'Richard Roe', Name: { GivenName: 'Richard', FamilyName: 'Roe' } });
    expect(user.ExternalIds).toEqual([{ Issuer: expect.stringMatching(/^arn:aws:identitystore:::provisioningtenant\//), Id: 'RichRoe' }]);
  });

  it('finds users with eq filters joined by and, and refuses any other filter', async () => {
    const found = await scim('GET', `Users?filter=${encodeURIComponent(`userName eq "${richRoe.userName}" and externalId eq "RichRoe"`)}`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: richRoeId }] });
    expect((await scim('GET', `Users?filter=${encodeURIComponent('userName eq "nobody@contoso.onmicrosoft.com"')}`)).body.totalResults).toBe(0);
    for (const filter of ['userName co "Rich"', 'userName eq "a" or userName eq "b"', 'displayName eq "Richard Roe"']) {
      const refused = await scim('GET', `Users?filter=${encodeURIComponent(filter)}`);
      expect(refused).toMatchObject({ status: 400, body: { scimType: 'invalidFilter' } });
    }
  });

  it('answers 409 to a duplicate userName', async () => {
    expect(await scim('POST', 'Users', richRoe)).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
  });

  it('applies a PATCH and shows it through the identity store', async () => {
    const patched = await scim('PATCH', `Users/${richRoeId}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Rich Roe' },
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Research' },
      ],
    });
    expect(patched).toMatchObject({ status: 200, body: { displayName: 'Rich Roe', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Research' } } });
    const user = await identityStore.send(new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId: richRoeId }));
    expect(user.DisplayName).toBe('Rich Roe');
  });

  it.each([
    ['two emails', { emails: [{ value: 'a@contoso.com', type: 'work' }, { value: 'b@contoso.com', type: 'home' }] }],
    ['two phone numbers', { phoneNumbers: [{ value: '+1 555 0100', type: 'work' }, { value: '+1 555 0101', type: 'mobile' }] }],
    ['no family name', { name: { givenName: 'Mary' } }],
    ['no display name', { displayName: undefined }],
  ])('refuses a user with %s', async (_case, change) => {
    const refused = await scim('POST', 'Users', { ...richRoe, userName: 'MaryMajor@contoso.onmicrosoft.com', ...change });
    expect(refused).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
  });

  it('refuses a wrong bearer token', async () => {
    expect((await scim('GET', 'Users', undefined, 'not-the-token')).status).toBe(401);
    expect((await scim('GET', 'Users', undefined, '')).status).toBe(401);
  });

  it('manages groups and their members in the identity store', async () => {
    const group = await scim('POST', 'Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: richRoeId }] });
    expect(group.status).toBe(201);
    const memberships = () => identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: group.body.id }));
    expect((await memberships()).GroupMemberships).toHaveLength(1);
    const removed = await scim('PATCH', `Groups/${group.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'remove', path: `members[value eq "${richRoeId}"]` }],
    });
    expect(removed.body.members).toEqual([]);
    expect((await memberships()).GroupMemberships).toHaveLength(0);
    expect((await scim('DELETE', `Groups/${group.body.id}`)).status).toBe(204);
  });

  it('deletes a user from the identity store', async () => {
    expect((await scim('DELETE', `Users/${richRoeId}`)).status).toBe(204);
    expect((await scim('GET', `Users/${richRoeId}`)).status).toBe(404);
    const users = await identityStore.send(new ListUsersCommand({ IdentityStoreId: identityStoreId }));
    expect(users.Users).toEqual([]);
    expect(emulator.leftovers().scimObjects).toBe(0);
  });
});
