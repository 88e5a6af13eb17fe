import { CreateGroupMembershipCommand, CreateUserCommand, DeleteGroupMembershipCommand, DeleteUserCommand, DescribeUserCommand, GetGroupMembershipIdCommand, IdentitystoreClient, ListUsersCommand, ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AwsEmulator } from '../../local/emulators/aws';
import { SCIM_RATES } from '../../local/emulators/aws/scim';
import { IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../../scripts/clients/signed-json-client';

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

describe('AWS emulator: SCIM endpoint', () => {
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
    emulator.scim.rates = { write: Infinity, read: Infinity };
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
    const found = await scim('GET', `Users?filter=${encodeURIComponent(`userName eq "${richRoe.userName}"`)}`);
    expect(found.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id: richRoeId }] });
    expect((await scim('GET', `Users?filter=${encodeURIComponent('externalId eq "RichRoe"')}`)).body.totalResults).toBe(1);
    expect((await scim('GET', `Users?filter=${encodeURIComponent('userName eq "nobody@contoso.onmicrosoft.com"')}`)).body.totalResults).toBe(0);
    // ListUsers constraints: only the combinations (userName), (externalId), (groups.value), (id and manager).
    for (const filter of ['userName co "Rich"', 'userName eq "a" or userName eq "b"', 'displayName eq "Richard Roe"', `userName eq "${richRoe.userName}" and externalId eq "RichRoe"`]) {
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
    expect((await scim('GET', `Groups/${group.body.id}`)).body.members).toEqual([]);
    const ofRichRoe = await scim('GET', `Groups?filter=${encodeURIComponent(`id eq "${group.body.id}" and members eq "${richRoeId}"`)}`);
    expect(ofRichRoe.body).toMatchObject({ totalResults: 1, Resources: [{ id: group.body.id, members: [] }] });
    const removed = await scim('PATCH', `Groups/${group.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'remove', path: `members[value eq "${richRoeId}"]` }],
    });
    expect(removed.status).toBe(204);
    expect((await memberships()).GroupMemberships).toHaveLength(0);
    expect((await scim('DELETE', `Groups/${group.body.id}`)).status).toBe(204);
  });

  const patchOp = (...Operations: object[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

  // ListUsers / ListGroups, "Query Parameters" and "Constraints": count 1..100, cursor paging, no startIndex paging.
  it('pages with count (1 to 100) and cursor, as ListUsers documents', async () => {
    for (const count of ['0', '101', 'ten']) expect(await scim('GET', `Users?count=${count}`)).toMatchObject({ status: 400 });
    const page = await scim('GET', 'Users?cursor&count=1');
    expect(page).toMatchObject({ status: 200, body: { itemsPerPage: 1, Resources: [{ id: richRoeId }] } });
    expect(page.body).not.toHaveProperty('totalResults');
    expect(page.body).not.toHaveProperty('nextCursor');
    expect((await scim('GET', 'Users?cursor=not*a*cursor')).status).toBe(400);
  });

  // PatchUser, "Not supported" and "Constraints".
  it.each([
    ['an unknown op', [{ op: 'move', path: 'displayName', value: 'x' }]],
    ['no op', [{ path: 'displayName', value: 'x' }]],
    ['add without a value', [{ op: 'add', path: 'title' }]],
    ['a remove of userName', [{ op: 'remove', path: 'userName' }]],
    ['two operations on active', [{ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'active', value: true }]],
    ['an attribute outside the list', [{ op: 'replace', path: 'password', value: 'x' }]],
    ['two emails', [{ op: 'replace', path: 'emails', value: [{ value: 'a@contoso.com', primary: true }, { value: 'b@contoso.com' }] }]],
  ])('refuses a user PATCH with %s', async (_case, operations) => {
    expect(await scim('PATCH', `Users/${richRoeId}`, patchOp(...operations))).toMatchObject({ status: 400 });
  });

  // CreateUser, "Constraints": emails marked primary, no groups.
  it.each([
    ['an email not marked primary', { emails: [{ value: 'MaryMajor@contoso.onmicrosoft.com', type: 'work' }] }],
    ['groups', { groups: [{ value: 'any' }] }],
  ])('refuses a new user with %s', async (_case, change) => {
    expect(await scim('POST', 'Users', { ...richRoe, userName: 'MaryMajor@contoso.onmicrosoft.com', ...change })).toMatchObject({ status: 400 });
  });

  // CreateGroup and PatchGroup, "Not supported" and "Constraints"; ListGroups "Errors".
  it('keeps the group rules: 100 members, no replace or remove of all, three attributes, 409 on a name taken', async () => {
    const hundredAndOne = Array.from({ length: 101 }, (_, i) => ({ value: `u-${i}` }));
    expect(await scim('POST', 'Groups', { displayName: 'Too many', members: hundredAndOne })).toMatchObject({ status: 400 });
    const group = await scim('POST', 'Groups', { displayName: 'Research', members: [{ value: richRoeId }] });
    expect(await scim('POST', 'Groups', { displayName: 'Research' })).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
    for (const operations of [
      [{ op: 'replace', path: 'members', value: [{ value: richRoeId }] }],
      [{ op: 'remove', path: 'members' }],
      [{ op: 'add', path: 'members', value: hundredAndOne }],
      [{ op: 'replace', path: 'description', value: 'x' }],
    ]) {
      expect(await scim('PATCH', `Groups/${group.body.id}`, patchOp(...operations))).toMatchObject({ status: 400 });
    }
    expect((await scim('PATCH', `Groups/${group.body.id}`, patchOp({ op: 'replace', value: { id: group.body.id, displayName: 'Research and Development' } }))).status).toBe(204);
    expect((await scim('GET', `Groups?filter=${encodeURIComponent('members eq "no-such-user"')}`)).status).toBe(404);
    expect((await scim('DELETE', `Groups/${group.body.id}`)).status).toBe(204);
  });

  // RFC 7644 §3.5.2.1: an add without a path adds its value's attributes, members to a multi-valued attribute;
  // PatchGroup's 100-change limit counts them as it counts path "members".
  it('adds members with an add that has no path, keeping the members there, and counts them against the 100', async () => {
    const [a, b] = await Promise.all(['PathlessA', 'PathlessB'].map(async (name) => (await scim('POST', 'Users', { ...richRoe, userName: `${name}@contoso.onmicrosoft.com`, externalId: name })).body.id));
    const group = await scim('POST', 'Groups', { displayName: 'Pathless', members: [{ value: a }] });
    expect((await scim('PATCH', `Groups/${group.body.id}`, patchOp({ op: 'add', value: { members: [{ value: b }] } }))).status).toBe(204);
    const memberIds = (await identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: group.body.id }))).GroupMemberships!.map((m) => m.MemberId?.UserId).sort();
    expect(memberIds).toEqual([a, b].sort());
    const hundredAndOne = Array.from({ length: 101 }, (_, i) => ({ value: `u-${i}` }));
    expect(await scim('PATCH', `Groups/${group.body.id}`, patchOp({ op: 'add', value: { members: hundredAndOne } }))).toMatchObject({ status: 400, body: { scimType: 'tooMany' } });
    expect(await scim('PATCH', `Groups/${group.body.id}`, patchOp({ op: 'replace', value: { members: [{ value: a }] } }))).toMatchObject({ status: 400 });
    expect((await scim('DELETE', `Groups/${group.body.id}`)).status).toBe(204);
    for (const id of [a, b]) expect((await scim('DELETE', `Users/${id}`)).status).toBe(204);
  });

  // One identity store behind SCIM and the public API: a membership the API removes or adds is SCIM's too, and a SCIM
  // removal of one the API removed first (Entra's cycle after revoke) is no error. GetGroupMembershipId (identitystore
  // API reference) answers ResourceNotFoundException for a user who is not a member.
  it('shares memberships with the identitystore API: removed or added there, seen by SCIM filters; a later SCIM removal is no error', async () => {
    const userId = (await scim('POST', 'Users', { ...richRoe, userName: 'Shared@contoso.onmicrosoft.com', externalId: 'Shared' })).body.id;
    const group = await scim('POST', 'Groups', { displayName: 'Shared', members: [{ value: userId }] });
    const isMember = async () => (await scim('GET', `Groups?filter=${encodeURIComponent(`id eq "${group.body.id}" and members eq "${userId}"`)}`)).body.totalResults === 1;
    const { MembershipId } = await identityStore.send(new GetGroupMembershipIdCommand({ IdentityStoreId: identityStoreId, GroupId: group.body.id, MemberId: { UserId: userId } }));
    await identityStore.send(new DeleteGroupMembershipCommand({ IdentityStoreId: identityStoreId, MembershipId }));
    expect(await isMember()).toBe(false);
    await expect(identityStore.send(new GetGroupMembershipIdCommand({ IdentityStoreId: identityStoreId, GroupId: group.body.id, MemberId: { UserId: userId } }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await scim('PATCH', `Groups/${group.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${userId}"]` }))).status).toBe(204);
    await identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: identityStoreId, GroupId: group.body.id, MemberId: { UserId: userId } }));
    expect(await isMember()).toBe(true);
    expect((await scim('DELETE', `Groups/${group.body.id}`)).status).toBe(204);
    expect((await scim('DELETE', `Users/${userId}`)).status).toBe(204);
  });

  // ServiceProviderConfig, ListSchemas, GetSchema, ListResourceTypes pages; "Limitations from SCIM specification".
  it('answers the discovery endpoints and refuses the unsupported ones', async () => {
    expect(await scim('GET', 'ServiceProviderConfig')).toMatchObject({
      status: 200,
      body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], patch: { supported: true }, bulk: { supported: false }, authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }] },
    });
    const schemas = await scim('GET', 'Schemas');
    expect(schemas.body.Resources.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:core:2.0:Group']));
    expect(await scim('GET', 'Schemas/urn:ietf:params:scim:schemas:core:2.0:User')).toMatchObject({ status: 200, body: { id: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'User' } });
    const types = await scim('GET', 'ResourceTypes');
    expect(types.body.Resources.map((r: { name: string }) => r.name).sort()).toEqual(['Group', 'User']);
    for (const [method, path] of [['POST', 'Bulk'], ['GET', 'Me'], ['POST', 'Users/.search']]) {
      expect(await scim(method, path, method === 'POST' ? {} : undefined)).toMatchObject({ status: 400, body: { status: '400' } });
    }
  });

  it('finds and updates a user created outside SCIM, and refuses to create it again', async () => {
    const nikki = { userName: 'NikkiWolf@contoso.onmicrosoft.com', displayName: 'Nikki Wolf', name: { givenName: 'Nikki', familyName: 'Wolf' } };
    const { UserId } = await identityStore.send(new CreateUserCommand({ IdentityStoreId: identityStoreId, UserName: nikki.userName, DisplayName: nikki.displayName, Name: { GivenName: 'Nikki', FamilyName: 'Wolf' } }));
    const found = await scim('GET', `Users?filter=${encodeURIComponent(`userName eq "${nikki.userName}"`)}`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: UserId, ...nikki }] });
    expect(await scim('POST', 'Users', { ...richRoe, ...nikki, externalId: 'NikkiWolf' })).toMatchObject({ status: 409 });
    expect(await scim('PATCH', `Users/${UserId}`, patchOp({ op: 'replace', path: 'externalId', value: 'NikkiWolf' }))).toMatchObject({ status: 200, body: { externalId: 'NikkiWolf' } });
    await identityStore.send(new DeleteUserCommand({ IdentityStoreId: identityStoreId, UserId }));
  });

  it('deletes a user from the identity store', async () => {
    expect((await scim('DELETE', `Users/${richRoeId}`)).status).toBe(204);
    expect((await scim('GET', `Users/${richRoeId}`)).status).toBe(404);
    const users = await identityStore.send(new ListUsersCommand({ IdentityStoreId: identityStoreId }));
    expect(users.Users).toEqual([]);
    expect(emulator.leftovers().scimObjects).toBe(0);
  });

  // Identity Center quotas (user guide, "IAM Identity Center quotas"): SCIM takes 25 writes a second per
  // tenant; past it, 429 ThrottlingException (every operation's "Errors" table).
  // The clock stands still, so the 40 writes are one instant on any machine: the bucket holds one second's writes.
  it('throttles writes past the rate with 429', async () => {
    const instant = Date.now();
    emulator.scim.rates = { ...SCIM_RATES };
    emulator.scim.clock = () => instant;
    const answers = await Promise.all(Array.from({ length: 40 }, () => scim('DELETE', 'Users/not-there')));
    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled).toHaveLength(40 - SCIM_RATES.write);
    expect(throttled[0].body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' });
    emulator.scim.clock = () => instant + 1000;
    expect((await scim('DELETE', 'Users/not-there')).status).toBe(404);
    emulator.scim.clock = Date.now;
  });
});
