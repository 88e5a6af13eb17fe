import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestCount } from '../../local/emulators/aws/gateway';
import { PERMISSIONS_DIR } from '../../scripts/permissions/generate';

// How the emulator names the services it saw, and the IAM prefix that authorizes each.
const PREFIX_OF_LOGGED_SERVICE: Record<string, string> = {
  'sso-admin': 'sso',
  identitystore: 'identitystore',
  'identitystore-provisioning': 'sso-directory',
  appsauth: 'sso-directory',
  organizations: 'organizations',
};
// Calls AWS authorizes without a policy (STS reference: GetCallerIdentity needs no permission).
const NEEDS_NO_PERMISSION = new Set(['sts GetCallerIdentity']);

/** The deploy role's policy, or the read-only one that `npm run status` and `npm run access` run with. */
export type PolicyKind = 'deploy' | 'read-only';

function allowedActions(profile: string, kind: PolicyKind): Set<string> {
  const file = kind === 'read-only' ? `${profile}.read-only.iam-policy.json` : `${profile}.iam-policy.json`;
  const policy = JSON.parse(readFileSync(join(PERMISSIONS_DIR, file), 'utf8'));
  return new Set(policy.Statement.flatMap((s: { Action: string[] }) => s.Action));
}

/** The calls a caller made that the committed policy of its profile does not allow. */
export function awsCallsNotAllowed(calls: RequestCount[], profile: string, kind: PolicyKind = 'deploy'): string[] {
  const allowed = allowedActions(profile, kind);
  return calls
    .filter((c) => !NEEDS_NO_PERMISSION.has(`${c.service} ${c.operation}`))
    .map((c) => (PREFIX_OF_LOGGED_SERVICE[c.service] ? `${PREFIX_OF_LOGGED_SERVICE[c.service]}:${c.operation}` : `unknown service ${c.service} ${c.operation}`))
    .filter((action) => !allowed.has(action));
}

/** The Graph requests (method and path) that no listed script call with a granted permission matches. */
export function graphCallsNotCovered(requests: { method: string; path: string }[], entraStack: string): string[] {
  const file = JSON.parse(readFileSync(join(PERMISSIONS_DIR, `${entraStack}.graph-permissions.json`), 'utf8'));
  const granted = new Set<string>(file.applicationPermissions);
  const covers = (call: { method: string; path: string; permission: string }, request: { method: string; path: string }) =>
    call.method === request.method && new RegExp(`^/v1\\.0${call.path.replace(/\{id\}/g, '[^/]+')}$`).test(request.path) && (granted.has(call.permission) || granted.has(call.permission.replace('.Read.All', '.ReadWrite.All')));
  return requests.filter((r) => !file.scriptCalls.some((c: any) => covers(c, r))).map((r) => `${r.method} ${r.path}`);
}
