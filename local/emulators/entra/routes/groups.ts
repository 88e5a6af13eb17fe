/** Graph group, group-post-groups, group-update, group-delete, group-list-members, group-post-members, group-delete-members. */
import { randomUUID } from 'node:crypto';
import { Group, User } from '../directory';
import { badRequest, filterValue, notFound, RouteContext } from './common';

/** What `$filter=id eq '…'` and the member list show of a directory object (Graph directoryObject, with its @odata.type). */
const directoryObject = (object: User | Group) =>
  'userPrincipalName' in object
    ? { '@odata.type': '#microsoft.graph.user', id: object.id, displayName: object.displayName, userPrincipalName: object.userPrincipalName }
    : { '@odata.type': '#microsoft.graph.group', id: object.id, displayName: object.displayName };

const publicGroup = ({ memberIds, ...group }: Group) => group;

/** The object id in a reference body: `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}` (Graph group-post-members). */
const referencedId = (body: any) => String(body?.['@odata.id'] ?? '').split('/').pop() ?? '';

export function groupRoutes(ctx: RouteContext, version: string): void {
  const d = ctx.directory;
  ctx.route('GET', `${version}/groups`, (_, __, url) => ({ value: [...d.groups.values()].filter((g) => !filterValue(url, 'displayName') || g.displayName === filterValue(url, 'displayName')).map(publicGroup) }));
  ctx.route('POST', `${version}/groups`, (_, body) => {
    // group-post-groups: displayName, mailEnabled, mailNickname and securityEnabled are required.
    const missing = ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'].find((key) => body[key] === undefined || body[key] === null || body[key] === '');
    if (missing) throw badRequest(`Property '${missing}' is required when creating a group.`);
    // Graph group resource, isAssignableToRole: "If set to true, the securityEnabled property must also be set
    // to true and the group cannot be a dynamic group". unverified: the error code and message Graph answers.
    if (body.isAssignableToRole === true && body.securityEnabled !== true) throw badRequest('A group with isAssignableToRole set to true must be security-enabled (securityEnabled: true).');
    if (body.isAssignableToRole === true && (body.groupTypes ?? []).includes('DynamicMembership')) throw badRequest('A group with isAssignableToRole set to true cannot be a dynamic group (groupTypes DynamicMembership).');
    const group: Group = {
      id: randomUUID(),
      displayName: body.displayName,
      description: body.description ?? null,
      mailEnabled: body.mailEnabled,
      mailNickname: body.mailNickname,
      securityEnabled: body.securityEnabled,
      groupTypes: body.groupTypes ?? [],
      isAssignableToRole: body.isAssignableToRole === true,
      memberIds: new Set(),
    };
    d.groups.set(group.id, group);
    return [201, publicGroup(group)];
  });
  ctx.route('GET', `${version}/groups/{id}`, ([id]) => publicGroup(ctx.group(id)));
  ctx.route('PATCH', `${version}/groups/{id}`, ([id], body) => {
    const group = ctx.group(id);
    // Graph group resource, isAssignableToRole: "can only be set while creating the group and is immutable";
    // Entra "Use Microsoft Entra groups to manage role assignments": "You can't make an existing group a
    // role-assignable group". unverified: the error code and message Graph answers.
    if ('isAssignableToRole' in body) throw badRequest('isAssignableToRole can only be set when the group is created.');
    if (typeof body.displayName === 'string') group.displayName = body.displayName;
    if ('description' in body) group.description = body.description;
    return [204];
  });
  ctx.route('DELETE', `${version}/groups/{id}`, ([id]) => (d.deleteGroup(id) ? [204] : Promise.reject(notFound(id))));
  ctx.route('GET', `${version}/groups/{id}/members`, ([id], _, url) => {
    const only = filterValue(url, 'id');
    const members = [...ctx.group(id).memberIds].filter((m) => !only || m === only).map((m) => d.users.get(m) ?? d.groups.get(m));
    return { value: members.filter((m): m is User | Group => Boolean(m)).map(directoryObject) };
  });
  ctx.route('POST', `${version}/groups/{id}/members/$ref`, ([id], body) => {
    const group = ctx.group(id);
    const memberId = referencedId(body);
    if (!d.users.has(memberId) && !d.groups.has(memberId)) throw notFound(memberId);
    // group-post-members: a reference that exists already is refused with this message.
    if (group.memberIds.has(memberId)) throw badRequest("One or more added object references already exist for the following modified properties: 'members'.");
    group.memberIds.add(memberId);
    return [204];
  });
  ctx.route('DELETE', `${version}/groups/{id}/members/{memberId}/$ref`, ([id, memberId]) => {
    if (!ctx.group(id).memberIds.delete(memberId)) throw notFound(memberId);
    return [204];
  });
}
