import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { UserOverlay } from './identity-store';
import { ProvisioningTenant, ProvisioningTenants, scimIssuer } from './provisioning';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const MAX_MEMBER_CHANGES = 100;
// Characters Identity Center refuses in SCIM string values (Entra tutorial, "Known limitations").
const REFUSED_CHARACTERS = /[\t\n\r"<>;:%]/;

export class ScimError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
  }

  toJSON() {
    return { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(this.status), detail: this.message, scimType: this.scimType };
  }
}

type Resource = Record<string, any> & { id: string };
/** A group and, per member user id, the identity store membership that holds it. */
type GroupRecord = Resource & { memberships: Map<string, string> };
interface TenantStore {
  users: Map<string, Resource>;
  groups: Map<string, GroupRecord>;
}

export interface ScimResponse {
  readonly status: number;
  readonly body?: unknown;
}

/**
 * Identity Center's SCIM v2 endpoint, per provisioning tenant: bearer-token auth, `eq` and `and`
 * filters only, no multi-valued emails or phone numbers, userName/displayName/givenName/familyName
 * required. Users and groups are written into moto's identity store, and users with an externalId
 * carry ExternalIds whose issuer names the tenant, so the public API shows them as created by SCIM.
 */
export class ScimServer {
  private readonly stores = new Map<string, TenantStore>();

  constructor(
    private readonly tenants: ProvisioningTenants,
    private readonly overlays: Map<string, UserOverlay>,
    private readonly motoEndpoint: string,
  ) {}

  /** A user deleted through the public identitystore API is gone for SCIM too. */
  forgetUser(userId: string): void {
    this.stores.forEach((store) => {
      store.users.delete(userId);
      store.groups.forEach((group) => group.memberships.delete(userId));
    });
  }

  /** A deleted tenant's SCIM records go with it; its users stay in the identity store, as in AWS. */
  forgetTenant(tenantId: string): void {
    this.stores.delete(tenantId);
  }

  /** How many SCIM-created objects exist across tenants (for "nothing left" checks). */
  objectCount(): number {
    return [...this.stores.values()].reduce((sum, s) => sum + s.users.size + s.groups.size, 0);
  }

  async handle(method: string, tenantId: string, resourcePath: string, query: URLSearchParams, authorization: string | undefined, body: any): Promise<ScimResponse> {
    const tenant = this.tenants.authorize(tenantId, /^Bearer (.+)$/.exec(authorization ?? '')?.[1]);
    if (!tenant) throw new ScimError(401, 'The bearer token is not valid for this SCIM endpoint');
    if (!this.stores.has(tenantId)) this.stores.set(tenantId, { users: new Map(), groups: new Map() });
    const store = this.stores.get(tenantId)!;
    const [kind, id] = resourcePath.split('/');
    const client = new IdentitystoreClient({
      endpoint: this.motoEndpoint,
      region: tenant.region,
      credentials: { accessKeyId: 'AKIAEMULATORSCIM', secretAccessKey: 'emulator' },
    });
    try {
      if (kind === 'Users') return await this.users(method, id, query, body, tenant, store, client);
      if (kind === 'Groups') return await this.groups(method, id, query, body, tenant, store, client);
      throw new ScimError(404, `No SCIM resource type ${kind}`);
    } finally {
      client.destroy();
    }
  }

  private async users(method: string, id: string | undefined, query: URLSearchParams, body: any, tenant: ProvisioningTenant, store: TenantStore, client: IdentitystoreClient): Promise<ScimResponse> {
    if (method === 'GET' && !id) return { status: 200, body: listResponse(filterResources(store.users.values(), query.get('filter'), ['userName', 'externalId', 'id'])) };
    if (method === 'POST' && !id) {
      const user = validateUser({ ...body, schemas: [USER_SCHEMA, ...(body[ENTERPRISE] ? [ENTERPRISE] : [])] });
      if ([...store.users.values()].some((u) => u.userName === user.userName)) throw new ScimError(409, `User ${user.userName} already exists`, 'uniqueness');
      const created = await client
        .send(new CreateUserCommand({ IdentityStoreId: tenant.IdentityStoreId, ...identityStoreFields(user) }))
        .catch((error) => {
          throw error.name === 'ConflictException' ? new ScimError(409, `User ${user.userName} already exists`, 'uniqueness') : error;
        });
      const resource = withMeta({ ...user, id: created.UserId! }, 'User');
      store.users.set(resource.id, resource);
      this.overlays.set(resource.id, overlayOf(resource, tenant));
      return { status: 201, body: resource };
    }
    const existing = id ? store.users.get(id) : undefined;
    if (!existing) throw new ScimError(404, `User ${id} not found`);
    if (method === 'GET') return { status: 200, body: existing };
    if (method === 'DELETE') {
      await client.send(new DeleteUserCommand({ IdentityStoreId: tenant.IdentityStoreId, UserId: existing.id }));
      store.users.delete(existing.id);
      this.overlays.delete(existing.id);
      store.groups.forEach((group) => group.members && (group.members = group.members.filter((m: any) => m.value !== existing.id)));
      return { status: 204 };
    }
    const changed = method === 'PUT' ? { ...body, id: existing.id } : method === 'PATCH' ? applyPatch(existing, body) : undefined;
    if (!changed) throw new ScimError(405, `${method} is not supported on Users`);
    const user = withMeta(validateUser({ ...changed, schemas: existing.schemas }), 'User', existing.meta.created);
    store.users.set(user.id, user);
    this.overlays.set(user.id, overlayOf(user, tenant));
    return { status: 200, body: user };
  }

  private async groups(method: string, id: string | undefined, query: URLSearchParams, body: any, tenant: ProvisioningTenant, store: TenantStore, client: IdentitystoreClient): Promise<ScimResponse> {
    if (method === 'GET' && !id) return { status: 200, body: listResponse(filterResources(store.groups.values(), query.get('filter'), ['displayName', 'externalId', 'id']).map(publicGroup)) };
    if (method === 'POST' && !id) {
      if (!body.displayName) throw new ScimError(400, 'displayName is required', 'invalidValue');
      if ([...store.groups.values()].some((g) => g.displayName === body.displayName)) throw new ScimError(409, `Group ${body.displayName} already exists`, 'uniqueness');
      const created = await client.send(new CreateGroupCommand({ IdentityStoreId: tenant.IdentityStoreId, DisplayName: body.displayName }));
      const group = { ...withMeta({ schemas: [GROUP_SCHEMA], displayName: body.displayName, externalId: body.externalId, id: created.GroupId!, members: [] }, 'Group'), memberships: new Map<string, string>() };
      store.groups.set(group.id, group);
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
      return { status: 204 };
    }
    if (method !== 'PATCH') throw new ScimError(405, `${method} is not supported on Groups`);
    const memberChanges = (body.Operations ?? []).filter((op: any) => String(op.path ?? '').startsWith('members'));
    const changeCount = memberChanges.reduce((n: number, op: any) => n + (Array.isArray(op.value) ? op.value.length : 1), 0);
    if (changeCount > MAX_MEMBER_CHANGES) throw new ScimError(400, `A PATCH may change at most ${MAX_MEMBER_CHANGES} members`, 'tooMany');
    const patched = applyPatch(group, body);
    group.displayName = patched.displayName;
    await this.setMembers(group, patched.members ?? [], tenant, store, client);
    return { status: 200, body: publicGroup(group) };
  }

  private async setMembers(group: GroupRecord, members: { value: string }[], tenant: ProvisioningTenant, store: TenantStore, client: IdentitystoreClient): Promise<void> {
    const wanted = new Set(members.map((m) => m.value));
    for (const userId of wanted) if (!store.users.has(userId)) throw new ScimError(400, `Member ${userId} is not a user of this tenant`, 'invalidValue');
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
    group.members = [...wanted].map((value) => ({ value }));
  }
}

function validateUser(user: any): Resource {
  for (const [path, value] of [['userName', user.userName], ['displayName', user.displayName], ['name.givenName', user.name?.givenName], ['name.familyName', user.name?.familyName]]) {
    if (typeof value !== 'string' || value.trim() === '') throw new ScimError(400, `${path} is required`, 'invalidValue');
  }
  for (const attribute of ['emails', 'phoneNumbers', 'addresses']) {
    if (Array.isArray(user[attribute]) && user[attribute].length > 1) {
      throw new ScimError(400, `Multiple values for ${attribute} are not supported`, 'invalidValue');
    }
  }
  const strings = [user.userName, user.displayName, user.name.givenName, user.name.familyName];
  if (strings.some((s) => REFUSED_CHARACTERS.test(s))) throw new ScimError(400, 'Values may not contain tabs, line breaks or the characters " < > ; : %', 'invalidValue');
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

function withMeta<T extends Record<string, any>>(resource: T, resourceType: string, created = new Date().toISOString()): T & { meta: any } {
  return { ...resource, meta: { resourceType, created, lastModified: new Date().toISOString() } };
}

function publicGroup({ memberships, ...group }: Resource & { memberships?: unknown }) {
  return group;
}

function listResponse(resources: unknown[]) {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
}

/** `attr eq "value"` clauses joined by `and`: the only filters Identity Center supports. */
export function filterResources<T extends Resource>(resources: Iterable<T>, filter: string | null, attributes: string[]): T[] {
  const all = [...resources];
  if (!filter) return all;
  const clauses = filter.split(/\s+and\s+/i).map((clause) => {
    const match = /^\s*([\w.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(clause);
    if (!match) throw new ScimError(400, `Unsupported filter "${clause.trim()}": only eq and and are supported`, 'invalidFilter');
    if (!attributes.includes(match[1])) throw new ScimError(400, `Filtering on ${match[1]} is not supported`, 'invalidFilter');
    return { attribute: match[1], value: match[2].replace(/\\(.)/g, '$1') };
  });
  return all.filter((resource) => clauses.every(({ attribute, value }) => resource[attribute] === value));
}

/** RFC 7644 §3.5.2 PATCH, for the paths Entra sends to Identity Center. */
export function applyPatch<T extends Record<string, any>>(resource: T, patch: any): T {
  if (!Array.isArray(patch?.Operations)) throw new ScimError(400, 'PATCH needs Operations', 'invalidSyntax');
  const result: any = structuredClone({ ...resource, memberships: undefined });
  delete result.memberships;
  for (const operation of patch.Operations) {
    const op = String(operation.op).toLowerCase();
    const path: string | undefined = operation.path;
    if (!path) {
      if (op === 'remove') throw new ScimError(400, 'remove needs a path', 'noTarget');
      Object.entries(operation.value ?? {}).forEach(([key, value]) => setPath(result, key, value));
      continue;
    }
    const memberFilter = /^members\[value eq "([^"]+)"\]$/.exec(path);
    if (memberFilter) {
      result.members = (result.members ?? []).filter((m: any) => m.value !== memberFilter[1]);
      continue;
    }
    if (path === 'members') {
      const values = (operation.value ?? []) as { value: string }[];
      const current: { value: string }[] = op === 'replace' ? [] : (result.members ?? []);
      result.members =
        op === 'remove'
          ? current.filter((m) => !values.some((v) => v.value === m.value))
          : [...current, ...values.filter((v) => !current.some((m) => m.value === v.value))];
      continue;
    }
    if (op === 'remove') setPath(result, path, undefined);
    else setPath(result, path, operation.value);
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
