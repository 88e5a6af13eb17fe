/** Graph organization, domains, users and /me. */
import { randomUUID } from 'node:crypto';
import { badRequest, filterValue, notFound, RouteContext } from './common';

export function userRoutes(ctx: RouteContext, v: string): void {
  const d = ctx.directory;
  ctx.route('GET', `${v}/organization`, () => ({ value: [{ id: d.tenantId, verifiedDomains: [{ name: d.defaultDomain, isDefault: true }] }] }));
  ctx.route('GET', `${v}/domains`, () => ({ value: [{ id: d.defaultDomain, isDefault: true, isVerified: true }] }));

  ctx.route('GET', `${v}/users`, (_, __, url) => ({ value: [...d.users.values()].filter((u) => !filterValue(url, 'userPrincipalName') || u.userPrincipalName === filterValue(url, 'userPrincipalName')) }));
  ctx.route('POST', `${v}/users`, (_, body) => {
    if ([...d.users.values()].some((u) => u.userPrincipalName === body.userPrincipalName)) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
    if (!body.passwordProfile?.password) throw badRequest('A password is required when creating a user.');
    ctx.receivedPasswords.push(body.passwordProfile.password);
    const user = { id: randomUUID(), userPrincipalName: body.userPrincipalName, displayName: body.displayName, givenName: body.givenName, surname: body.surname, department: body.department, mailNickname: body.mailNickname, accountEnabled: body.accountEnabled ?? true };
    d.users.set(user.id, user);
    return [201, user];
  });
  ctx.route('GET', `${v}/users/{id}`, ([id]) => d.users.get(id) ?? Promise.reject(notFound(id)));
  ctx.route('PATCH', `${v}/users/{id}`, ([id], body) => {
    const user = d.users.get(id);
    if (!user) throw notFound(id);
    const { passwordProfile, ...changes } = body;
    Object.assign(user, changes);
    return [204];
  });
  ctx.route('DELETE', `${v}/users/{id}`, ([id]) => (d.deleteUser(id) ? [204] : Promise.reject(notFound(id))));
}

/** The signed-in user of a delegated token. */
export function meRoute(ctx: RouteContext, v: string): void {
  const d = ctx.directory;
  ctx.route('GET', `${v}/me`, (_, __, ___, caller) => (caller ? d.users.get(caller.userId) : Promise.reject(badRequest('/me needs a delegated (user) token.'))));
}
