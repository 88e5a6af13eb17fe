import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  IdentitystoreClient,
  paginateListUsers,
} from '@aws-sdk/client-identitystore';
import { GroupOverlay, Overlays, UserOverlay } from './identity-store';
import { ProvisioningTenant, ProvisioningTenants, scimIssuer } from './provisioning';
import { TokenBucket } from './token-bucket';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
// PatchGroup "Constraints": at most 100 membership changes; CreateGroup "Constraints": at most 100 members.
const MAX_MEMBER_CHANGES = 100;
// ListUsers / ListGroups "Query Parameters": count from 1 to 100, default 100.
const MAX_COUNT = 100;
// IAM Identity Center user guide, "IAM Identity Center quotas": SCIM 25 writes and 40 reads a second.
export const SCIM_RATES = { write: 25, read: 40 };
// Characters Identity Center refuses in SCIM string values (Entra tutorial, "Known limitations").
const REFUSED_CHARACTERS = /[\t\n\r"<>;:%]/;

/**
 * A SCIM error (RFC 7644 §3.12 shape). Status codes follow the "Errors" table of each operation in the
 * IAM Identity Center SCIM implementation developer guide: ValidationException 400 (also for an
 * unsupported operation), UnauthorizedException 401, ResourceNotFoundException 404, ConflictException
 * 409, ThrottlingException 429. unverified: the service's exact body beyond schemas, status and detail.
 */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
  }

  toJSON() {
    return { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.message, scimType: this.scimType };
  }
}

const validation = (detail: string, scimType = 'invalidValue') => new ScimError(400, detail, scimType);

type Resource = Record<string, any> & { id: string };
/** A group and, per member user id, the identity store membership that holds it. */
type GroupRecord = Resource & { memberships: Map<string, string> };
interface TenantStore {
  users: Map<string, Resource>;
  groups: Map<string, GroupRecord>;
  /** Users SCIM found in the identity store rather than created (NikkiWolf, made by Terraform). */
  adopted: Set<string>;
  /** The rate limits, by kind of request (./token-bucket.ts). */
  buckets: { write: TokenBucket; read: TokenBucket };
}

export interface ScimResponse {
  readonly status: number;
  readonly body?: unknown;
}

/**
 * Identity Center's SCIM v2 endpoint, per provisioning tenant, with the limits and errors of the IAM
 * Identity Center SCIM implementation developer guide (each rule names its page). Users and groups are
 * written into moto's identity store, and users with an externalId carry ExternalIds whose issuer names
 * the tenant, so the public API shows them as created by SCIM.
 */
export class ScimServer {
  private readonly stores = new Map<string, TenantStore>();
  /** Requests a tenant may make a second; tests of other rules lift it so that they do not depend on timing. */
  rates = { ...SCIM_RATES };
  /** What the rate limits count time by; a test freezes it so that a burst is one instant however busy the machine. */
  clock: () => number = Date.now;

  constructor(
    private readonly tenants: ProvisioningTenants,
    private readonly overlays: Overlays,
    private readonly motoEndpoint: string,
  ) {}

  /** A user deleted through the public identitystore API is gone for SCIM too. */
  forgetUser(userId: string): void {
    this.stores.forEach((store) => {
      store.users.delete(userId);
      store.groups.forEach((group) => group.memberships.delete(userId));
    });
  }

  /** A group deleted through the public identitystore API is gone for SCIM too. */
  forgetGroup(groupId: string): void {
    this.stores.forEach((store) => store.groups.delete(groupId));
  }

  /**
   * A membership the public identitystore API created or deleted is SCIM's too: one identity store stands behind both
   * (AWS SCIM implementation developer guide: SCIM reads and writes the IAM Identity Center identity store), so a
   * membership filter (`members eq`) sees it and a later SCIM removal of it is no error.
   */
  membershipCreated(groupId: string, userId: string, membershipId: string): void {
    this.stores.forEach((store) => store.groups.get(groupId)?.memberships.set(userId, membershipId));
  }

  membershipDeleted(membershipId: string): void {
    this.stores.forEach((store) =>
      store.groups.forEach((group) => group.memberships.forEach((id, userId) => id === membershipId && group.memberships.delete(userId))),
    );
  }

  /** A deleted tenant's SCIM records go with it; its users stay in the identity store, as in AWS. */
  forgetTenant(tenantId: string): void {
    this.stores.delete(tenantId);
  }

  /** How many SCIM-created objects exist across tenants (for "nothing left" checks). */
  /** Users and groups SCIM created (a user it only adopted from the identity store is not its own). */
  objectCount(): number {
    return [...this.stores.values()].reduce((sum, s) => sum + [...s.users.keys()].filter((id) => !s.adopted.has(id)).length + s.groups.size, 0);
  }

  async handle(method: string, tenantId: string, resourcePath: string, query: URLSearchParams, authorization: string | undefined, body: any): Promise<ScimResponse> {
    const tenant = this.tenants.authorize(tenantId, /^Bearer (.+)$/.exec(authorization ?? '')?.[1]);
    if (!tenant) throw new ScimError(401, 'The bearer token is not valid for this SCIM endpoint');
    if (!this.stores.has(tenantId)) this.stores.set(tenantId, { users: new Map(), groups: new Map(), adopted: new Set(), buckets: { write: new TokenBucket(() => this.clock()), read: new TokenBucket(() => this.clock()) } });
    const store = this.stores.get(tenantId)!;
    throttle(store, method === 'GET' ? 'read' : 'write', this.rates);
    const [kind, ...rest] = resourcePath.split('/');
    const id = rest.join('/') || undefined;
    const discovered = discovery(method, kind, id);
    if (discovered) return discovered;
    if ((kind !== 'Users' && kind !== 'Groups') || id === '.search') {
      // "Limitations from SCIM specification": /Me, /Bulk and /Search are not supported; every "Errors"
      // table answers an unsupported operation with ValidationException (400).
      throw validation(`The endpoint /${resourcePath} is not supported`, 'invalidSyntax');
    }
    const client = new IdentitystoreClient({
      endpoint: this.motoEndpoint,
      region: tenant.region,
      credentials: { accessKeyId: 'AKIAEMULATORSCIM', secretAccessKey: 'emulator' },
    });
    try {
      if (kind === 'Users') return await this.users(method, id, query, body, tenant, store, client);
      return await this.groups(method, id, query, body, tenant, store, client);
    } finally {
      client.destroy();
    }
  }

  /**
   * SCIM sees every user of the identity store, not only those it created: a CreateUser for a userName
   * that exists is a 409 (AWS re:Post knowledge-center "iam-identity-center-provision"), and an IdP
   * that matches on userName finds and updates such a user. unverified: the SCIM shape of a user
   * created outside SCIM (here: its identity store fields, active).
   */
  private async adoptIdentityStoreUsers(store: TenantStore, tenant: ProvisioningTenant, client: IdentitystoreClient): Promise<void> {
    for await (const page of paginateListUsers({ client }, { IdentityStoreId: tenant.IdentityStoreId })) {
      for (const user of page.Users ?? []) {
        if (store.users.has(user.UserId!)) continue;
        const [email] = user.Emails ?? [];
        const emails = email ? [{ value: email.Value, type: email.Type, primary: true }] : undefined;
        store.users.set(user.UserId!, withMeta({ schemas: [USER_SCHEMA], id: user.UserId!, userName: user.UserName, displayName: user.DisplayName, name: { givenName: user.Name?.GivenName, familyName: user.Name?.FamilyName }, emails, active: true }, 'User'));
        store.adopted.add(user.UserId!);
      }
    }
  }

  private async users(method: string, id: string | undefined, query: URLSearchParams, body: any, tenant: ProvisioningTenant, store: TenantStore, client: IdentitystoreClient): Promise<ScimResponse> {
    await this.adoptIdentityStoreUsers(store, tenant, client);
    if (method === 'GET' && !id) return { status: 200, body: listResponse(filterUsers(store, query.get('filter')), query) };
    if (method === 'POST' && !id) {
      // CreateUser "Constraints": the groups field cannot be sent.
      if (body.groups !== undefined) throw validation('groups cannot be specified when creating a user');
      const user = validateUser({ ...body, schemas: [USER_SCHEMA, ...(body[ENTERPRISE] ? [ENTERPRISE] : [])] });
      // CreateUser "Errors": ConflictException (409) when the user already exists.
      if ([...store.users.values()].some((u) => u.userName === user.userName)) throw new ScimError(409, `User ${user.userName} already exists`, 'uniqueness');
      const created = await client
        .send(new CreateUserCommand({ IdentityStoreId: tenant.IdentityStoreId, ...identityStoreFields(user) }))
        .catch((error) => {
          throw error.name === 'ConflictException' ? new ScimError(409, `User ${user.userName} already exists`, 'uniqueness') : error;
        });
      const resource = withMeta({ ...user, id: created.UserId! }, 'User');
      store.users.set(resource.id, resource);
      this.overlays.users.set(resource.id, overlayOf(resource, tenant));
      return { status: 201, body: resource };
    }
    const existing = id ? store.users.get(id) : undefined;
    if (!existing) throw new ScimError(404, `User ${id} not found`);
    if (method === 'GET') return { status: 200, body: existing };
    if (method === 'DELETE') {
      await client.send(new DeleteUserCommand({ IdentityStoreId: tenant.IdentityStoreId, UserId: existing.id }));
      store.users.delete(existing.id);
      this.overlays.users.delete(existing.id);
      store.groups.forEach((group) => group.memberships.delete(existing.id));
      return { status: 204 };
    }
    const changed = method === 'PUT' ? { ...body, id: existing.id } : method === 'PATCH' ? applyPatch(existing, checkUserPatch(body)) : undefined;
    if (!changed) throw validation(`${method} is not supported on Users`, 'invalidSyntax');
    const user = withMeta(validateUser({ ...changed, schemas: existing.schemas }), 'User', existing.meta.created);
    store.users.set(user.id, user);
    this.overlays.users.set(user.id, overlayOf(user, tenant));
    return { status: 200, body: user };
  }

  private async groups(method: string, id: string | undefined, query: URLSearchParams, body: any, tenant: ProvisioningTenant, store: TenantStore, client: IdentitystoreClient): Promise<ScimResponse> {
    if (method === 'GET' && !id) return { status: 200, body: listResponse(filterGroups(store, query.get('filter')).map(publicGroup), query) };
    if (method === 'POST' && !id) {
      // CreateGroup "Constraints": displayName required, at most 100 members; "Errors": 409 if it exists.
      if (!body.displayName) throw validation('displayName is required');
      if ((body.members ?? []).length > MAX_MEMBER_CHANGES) throw validation(`A group can be created with at most ${MAX_MEMBER_CHANGES} members`);
      if ([...store.groups.values()].some((g) => g.displayName === body.displayName)) throw new ScimError(409, `Group ${body.displayName} already exists`, 'uniqueness');
      const created = await client.send(new CreateGroupCommand({ IdentityStoreId: tenant.IdentityStoreId, DisplayName: body.displayName }));
      const group = { ...withMeta({ schemas: [GROUP_SCHEMA], displayName: body.displayName, externalId: body.externalId, id: created.GroupId!, members: [] }, 'Group'), memberships: new Map<string, string>() };
      store.groups.set(group.id, group);
      this.overlays.groups.set(group.id, groupOverlayOf(group, tenant));
      await this.setMembers(group, body.members ?? [], tenant, store, client);
      return { status: 201, body: publicGroup(group) };
    }
    const group = id ? store.groups.get(id) : undefined;
    if (!group) throw new ScimError(404, `Group ${id} not found`);
    if (method === 'GET') return { status: 200, body: publicGroup(group) };
    if (method === 'DELETE') {
      for (const membershipId of group.memberships.values()) await client.send(new DeleteGroupMembershipCommand({ IdentityStoreId: tenant.IdentityStoreId, MembershipId: membershipId }));
      await client.send(new DeleteGroupCommand({ IdentityStoreId: tenant.IdentityStoreId, GroupId: group.id }));
      store.groups.delete(group.id);
      this.overlays.groups.delete(group.id);
      return { status: 204 };
    }
    if (method !== 'PATCH') throw validation(`${method} is not supported on Groups`, 'invalidSyntax');
    const patched = applyPatch<Resource>({ ...group, members: [...group.memberships.keys()].map((value) => ({ value })) }, checkGroupPatch(body));
    group.displayName = patched.displayName;
    group.externalId = patched.externalId;
    this.overlays.groups.set(group.id, groupOverlayOf(group, tenant));
    await this.setMembers(group, patched.members ?? [], tenant, store, client);
    // PatchGroup "Examples": the answer is 204 without a body.
    return { status: 204 };
  }

  private async setMembers(group: GroupRecord, members: { value: string }[], tenant: ProvisioningTenant, store: TenantStore, client: IdentitystoreClient): Promise<void> {
    const wanted = new Set(members.map((m) => m.value));
    for (const userId of wanted) if (!store.users.has(userId)) throw validation(`Member ${userId} is not a user of this tenant`);
    for (const [userId, membershipId] of group.memberships) {
      if (wanted.has(userId)) continue;
      await client.send(new DeleteGroupMembershipCommand({ IdentityStoreId: tenant.IdentityStoreId, MembershipId: membershipId }));
      group.memberships.delete(userId);
    }
    for (const userId of wanted) {
      if (group.memberships.has(userId)) continue;
      const created = await client.send(new CreateGroupMembershipCommand({ IdentityStoreId: tenant.IdentityStoreId, GroupId: group.id, MemberId: { UserId: userId } }));
      group.memberships.set(userId, created.MembershipId!);
    }
  }
}

/** Past the documented rate, ThrottlingException (429). */
function throttle(store: TenantStore, kind: 'write' | 'read', rates: typeof SCIM_RATES): void {
  if (!store.buckets[kind].take(rates[kind])) throw new ScimError(429, 'Too many requests exceeded the limits');
}

// ServiceProviderConfig page, "Example Response". unverified: the members after bulk (filter, sort,
// changePassword, etag), set here from the "Limitations from SCIM specification" page.
const SERVICE_PROVIDER_CONFIG = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  documentationUri: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/manage-your-identity-source-idp.html',
  authenticationSchemes: [
    {
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'Authentication scheme using the OAuth Bearer Token Standard',
      specUri: 'https://www.rfc-editor.org/info/rfc6750',
      documentationUri: 'https://docs.aws.amazon.com/singlesignon/latest/userguide/provision-automatically.html',
      primary: true,
    },
  ],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 1, maxPayloadSize: 1048576 },
  filter: { supported: true, maxResults: MAX_COUNT },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
};

// ListSchemas / GetSchema and ListResourceTypes pages (RFC 7643 §6 and §7 shapes). unverified: the
// attribute definitions inside each schema, which this emulator leaves out.
const SCHEMAS = [
  { id: USER_SCHEMA, name: 'User', description: 'User Account' },
  { id: GROUP_SCHEMA, name: 'Group', description: 'Group' },
  { id: ENTERPRISE, name: 'EnterpriseUser', description: 'Enterprise User' },
].map((schema) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], ...schema, attributes: [] }));
const RESOURCE_TYPES = [
  { id: 'User', name: 'User', endpoint: '/Users', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE, required: false }] },
  { id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA, schemaExtensions: [] },
].map((type) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], ...type }));

/** The read-only discovery endpoints ("Limitations from SCIM specification": supported), or undefined. */
function discovery(method: string, kind: string, id: string | undefined): ScimResponse | undefined {
  const documents: Record<string, { id: string }[]> = { Schemas: SCHEMAS, ResourceTypes: RESOURCE_TYPES };
  if (kind !== 'ServiceProviderConfig' && !documents[kind]) return undefined;
  if (method !== 'GET') throw validation(`/${kind} is read only`, 'invalidSyntax');
  if (kind === 'ServiceProviderConfig') return { status: 200, body: SERVICE_PROVIDER_CONFIG };
  if (!id) return { status: 200, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: documents[kind].length, itemsPerPage: documents[kind].length, startIndex: 1, Resources: documents[kind] } };
  const found = documents[kind].find((d) => d.id === id);
  if (!found) throw new ScimError(404, `No ${kind} ${id}`);
  return { status: 200, body: found };
}

function validateUser(user: any): Resource {
  // CreateUser / PutUser "Constraints": givenName, familyName, userName and displayName are required.
  for (const [path, value] of [['userName', user.userName], ['displayName', user.displayName], ['name.givenName', user.name?.givenName], ['name.familyName', user.name?.familyName]]) {
    if (typeof value !== 'string' || value.trim() === '') throw validation(`${path} is required`);
  }
  // CreateUser "Constraints": one value only in emails, addresses, phoneNumbers; the email marked primary.
  for (const attribute of ['emails', 'phoneNumbers', 'addresses']) {
    if (Array.isArray(user[attribute]) && user[attribute].length > 1) throw validation(`Multiple values for ${attribute} are not supported`);
  }
  if (Array.isArray(user.emails) && user.emails.length === 1 && user.emails[0].primary !== true) throw validation('The email must be marked primary');
  const strings = [user.userName, user.displayName, user.name.givenName, user.name.familyName];
  if (strings.some((s) => REFUSED_CHARACTERS.test(s))) throw validation('Values may not contain tabs, line breaks or the characters " < > ; : %');
  return { active: true, ...user };
}

function identityStoreFields(user: Resource) {
  const [email] = user.emails ?? [];
  return {
    UserName: user.userName,
    DisplayName: user.displayName,
    Name: { GivenName: user.name.givenName, FamilyName: user.name.familyName },
    Emails: email ? [{ Value: email.value, Type: email.type, Primary: email.primary }] : undefined,
  };
}

function overlayOf(user: Resource, tenant: ProvisioningTenant): UserOverlay {
  const { DisplayName, Name, Emails } = identityStoreFields(user);
  return { DisplayName, Name, Emails, ExternalIds: user.externalId ? [{ Issuer: scimIssuer(tenant), Id: user.externalId }] : undefined };
}

/**
 * The identity store's view of a SCIM group: Entra sends the group's object id as externalId (gallery
 * app attribute mapping), which the identity store shows in ExternalIds under the tenant's issuer, as
 * for users. unverified: the issuer of a group's ExternalIds (taken to be the users' one).
 */
function groupOverlayOf(group: Resource, tenant: ProvisioningTenant): GroupOverlay {
  const ExternalIds = group.externalId ? [{ Issuer: scimIssuer(tenant), Id: group.externalId }] : undefined;
  return { IdentityStoreId: tenant.IdentityStoreId, DisplayName: group.displayName, ExternalIds };
}

function withMeta<T extends Record<string, any>>(resource: T, resourceType: string, created = new Date().toISOString()): T & { meta: any } {
  return { ...resource, meta: { resourceType, created, lastModified: new Date().toISOString() } };
}

/** GetGroup and ListGroups return an empty member list (ListGroups "Not supported"). */
function publicGroup({ memberships, ...group }: Resource & { memberships?: unknown }) {
  return { ...group, members: [] };
}

/**
 * A page of results (ListUsers / ListGroups "Query Parameters"): count from 1 to 100 (default 100).
 * With `cursor` the answer is cursor-paged (itemsPerPage, nextCursor when more remain); without it, the
 * first page with totalResults, startIndex and itemsPerPage. unverified: whether startIndex, listed as
 * not supported, is refused or ignored; it is ignored here.
 */
function listResponse(resources: unknown[], query: URLSearchParams) {
  const countText = query.get('count');
  const count = countText === null ? MAX_COUNT : Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw validation(`count must be an integer from 1 to ${MAX_COUNT}`);
  const schemas = ['urn:ietf:params:scim:api:messages:2.0:ListResponse'];
  if (!query.has('cursor')) {
    const page = resources.slice(0, count);
    return { schemas, totalResults: resources.length, itemsPerPage: page.length, startIndex: 1, Resources: page };
  }
  const cursor = query.get('cursor')!;
  // "cursor … Pattern: [-a-zA-Z0-9+=/:_]*"; the first request sends it empty.
  if (!/^[-a-zA-Z0-9+=/:_]*$/.test(cursor)) throw validation('cursor has characters outside [-a-zA-Z0-9+=/:_]');
  const offset = cursor === '' ? 0 : Number(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw validation('cursor is not one this endpoint gave');
  const page = resources.slice(offset, offset + count);
  const next = offset + count < resources.length ? { nextCursor: Buffer.from(String(offset + count)).toString('base64') } : {};
  return { schemas, itemsPerPage: page.length, Resources: page, ...next };
}

interface Clause {
  readonly attribute: string;
  readonly value: string;
}

/** `attr eq "value"` clauses joined by `and` ("Limitations from SCIM specification": only eq with and). */
function parseFilter(filter: string): Clause[] {
  return filter.split(/\s+and\s+/i).map((clause) => {
    const match = /^\s*([\w.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(clause);
    if (!match) throw validation(`Unsupported filter "${clause.trim()}": only eq and and are supported`, 'invalidFilter');
    return { attribute: match[1], value: match[2].replace(/\\(.)/g, '$1') };
  });
}

/** The clauses, checked against the attribute combinations an operation documents. */
function supportedClauses(filter: string, combinations: string[][]): Map<string, string> {
  const clauses = parseFilter(filter);
  const names = clauses.map((c) => c.attribute).sort().join(' and ');
  if (!combinations.some((combination) => [...combination].sort().join(' and ') === names)) {
    throw validation(`Filtering on ${names} is not supported`, 'invalidFilter');
  }
  return new Map(clauses.map((c) => [c.attribute, c.value]));
}

// ListUsers "Constraints": (userName), (externalId), (groups.value), (id and manager); id alone is valid.
const USER_FILTERS = [['userName'], ['externalId'], ['groups.value'], ['id'], ['id', 'manager']];

function filterUsers(store: TenantStore, filter: string | null): Resource[] {
  const all = [...store.users.values()];
  if (!filter) return all;
  const clauses = supportedClauses(filter, USER_FILTERS);
  const value = (user: Resource, attribute: string) =>
    attribute === 'groups.value' ? [...store.groups.values()].filter((g) => g.memberships.has(user.id)).map((g) => g.id) : attribute === 'manager' ? [user[ENTERPRISE]?.manager?.value] : [user[attribute]];
  return all.filter((user) => [...clauses].every(([attribute, wanted]) => value(user, attribute).includes(wanted)));
}

// ListGroups "Constraints": (displayName), (externalId), (members.value), (id and member); id alone is
// valid. The page writes "member"; its examples and Entra send "members": both are read.
const GROUP_FILTERS = [['displayName'], ['externalId'], ['members.value'], ['id'], ['id', 'member'], ['id', 'members']];

function filterGroups(store: TenantStore, filter: string | null): GroupRecord[] {
  const all = [...store.groups.values()];
  if (!filter) return all;
  const clauses = new Map([...supportedClauses(filter.replace(/\bmembers?(\.value)?(?=\s+eq)/i, 'members.value'), [...GROUP_FILTERS, ['id', 'members.value']])]);
  const member = clauses.get('members.value');
  // ListGroups "Errors": ResourceNotFoundException (404) when filtering on a member that does not exist.
  if (member !== undefined && !store.users.has(member)) throw new ScimError(404, `No user ${member}`);
  return all.filter((group) => [...clauses].every(([attribute, wanted]) => (attribute === 'members.value' ? group.memberships.has(wanted) : group[attribute] === wanted)));
}

type Operation = { op: string; path?: string; value?: any };

/** The attribute an operation's path starts at: `name.givenName` → name, `emails[type eq "work"].value` → emails. */
function rootOf(path: string): string {
  if (path.startsWith(`${ENTERPRISE}`)) return 'enterprise';
  return /^[A-Za-z]+/.exec(path)?.[0] ?? path;
}

/** RFC 7644 §3.5.2 operations, as PatchUser and PatchGroup "Constraints" restrict them. */
function operationsOf(patch: any): Operation[] {
  if (!Array.isArray(patch?.Operations)) throw validation('PATCH needs Operations', 'invalidSyntax');
  return patch.Operations.map((operation: any) => {
    // PatchUser "Constraints": the operation must be given, and be add, replace or remove (case-insensitive, RFC 7644 §3.5.2).
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (!['add', 'replace', 'remove'].includes(op)) throw validation(`Unsupported PATCH operation "${operation.op ?? ''}"`, 'invalidSyntax');
    // "The path is required for a remove operation"; "A value is required for add and replace".
    if (op === 'remove' && !operation.path) throw validation('remove needs a path', 'noTarget');
    if (op !== 'remove' && operation.value === undefined) throw validation(`${op} needs a value`);
    return { ...operation, op };
  });
}

const attributesOf = (operation: Operation): string[] => (operation.path ? [rootOf(operation.path)] : Object.keys(operation.value ?? {}).map(rootOf));

// PatchUser "Constraints": modification is allowed only for these attributes.
const USER_PATCHABLE = new Set(['userName', 'active', 'externalId', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'name', 'enterprise', 'emails', 'addresses', 'phoneNumbers', 'schemas', 'id']);

function checkUserPatch(patch: any): Operation[] {
  const operations = operationsOf(patch);
  const touched = operations.flatMap(attributesOf);
  const outside = touched.find((attribute) => !USER_PATCHABLE.has(attribute));
  if (outside) throw validation(`${outside} cannot be modified`, 'mutability');
  // PatchUser "Not supported": several operations on userName or active; "remove" of either.
  for (const attribute of ['userName', 'active']) {
    if (touched.filter((a) => a === attribute).length > 1) throw validation(`Only one operation on ${attribute} is supported`);
    if (operations.some((o) => o.op === 'remove' && o.path && rootOf(o.path) === attribute)) throw validation(`${attribute} cannot be removed`, 'mutability');
  }
  return operations;
}

const GROUP_PATCHABLE = new Set(['displayName', 'members', 'externalId', 'id']);

/**
 * RFC 7644 §3.5.2.1: an add or replace without a path targets the resource itself, its value a set of attributes;
 * each attribute is an operation of its own on that path, so `{ op: 'add', value: { members } }` adds members
 * (multi-valued: "a new value is added to the attribute"), counted and refused as a `path: 'members'` one is.
 */
// The id PatchGroup's example sends along is not a change: it is left out.
const perAttribute = (operations: Operation[]): Operation[] =>
  operations.flatMap((o) => (o.path ? [o] : Object.entries(o.value ?? {}).map(([path, value]) => ({ op: o.op, path, value })))).filter((o) => o.path !== 'id');

function checkGroupPatch(patch: any): Operation[] {
  const operations = perAttribute(operationsOf(patch));
  // PatchGroup "Constraints": only displayName, members and externalId (the page's example also sends id).
  const outside = operations.flatMap(attributesOf).find((attribute) => !GROUP_PATCHABLE.has(attribute));
  if (outside) throw validation(`${outside} cannot be modified on a group`, 'mutability');
  // PatchGroup "Not supported": replacing or removing all memberships in one request is a ValidationException.
  const replacesAll = (o: Operation) => o.op === 'replace' && o.path === 'members';
  const removesAll = (o: Operation) => o.op === 'remove' && o.path === 'members' && o.value === undefined;
  if (operations.some((o) => replacesAll(o) || removesAll(o))) throw validation('Replacing or removing all members in one request is not supported');
  // PatchGroup "Constraints": at most 100 membership changes in one request.
  const changes = operations.filter((o) => o.path?.startsWith('members')).reduce((n, o) => n + (Array.isArray(o.value) ? o.value.length : 1), 0);
  if (changes > MAX_MEMBER_CHANGES) throw validation(`A PATCH may change at most ${MAX_MEMBER_CHANGES} members`, 'tooMany');
  return operations;
}

/** RFC 7644 §3.5.2 PATCH, for operations already checked against the resource's rules. */
export function applyPatch<T extends Record<string, any>>(resource: T, operations: Operation[]): T {
  const result: any = structuredClone({ ...resource, memberships: undefined });
  delete result.memberships;
  for (const { op, path, value } of operations) {
    if (!path) {
      Object.entries(value ?? {}).forEach(([key, v]) => key !== 'id' && setPath(result, key, v));
      continue;
    }
    const memberFilter = /^members\[value eq "([^"]+)"\]$/.exec(path);
    if (memberFilter) {
      result.members = (result.members ?? []).filter((m: any) => m.value !== memberFilter[1]);
      continue;
    }
    if (path === 'members') {
      const values = (value ?? []) as { value: string }[];
      const current: { value: string }[] = result.members ?? [];
      result.members = op === 'remove' ? current.filter((m) => !values.some((v) => v.value === m.value)) : [...current, ...values.filter((v) => !current.some((m) => m.value === v.value))];
      continue;
    }
    setPath(result, path, op === 'remove' ? undefined : value);
  }
  return result;
}

function setPath(target: any, path: string, value: unknown): void {
  const emailMatch = /^emails\[type eq "(\w+)"\]\.value$/.exec(path);
  if (emailMatch) {
    target.emails = value === undefined ? [] : [{ value, type: emailMatch[1], primary: true }];
    return;
  }
  if (path.startsWith(`${ENTERPRISE}:`)) {
    target[ENTERPRISE] = { ...target[ENTERPRISE], [path.slice(ENTERPRISE.length + 1)]: value };
    return;
  }
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => (node[key] ??= {}), target);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}
