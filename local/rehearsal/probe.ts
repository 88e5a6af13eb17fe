/**
 * What "visible under 10 s after the job starts" means, measured: a user newly assigned to the app
 * in Entra, the job restarted, and the time until the identity store holds the user as SCIM created
 * it, by the job's own cycle (no provision on demand). The rehearsal acts here as an Entra admin
 * would, through Graph with its own client, not the product's.
 */
import { randomBytes } from 'node:crypto';
import { IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { EntraEmulator } from '../emulators/entra';

export interface ProbeInput {
  readonly identityStoreId: string;
  readonly servicePrincipalId: string;
  readonly scimUsers: { userPrincipalName: string }[];
}

/** Seconds from the job's start to the new user in the identity store; the user is removed from Entra after. */
export async function measureFirstCycle(entra: EntraEmulator, input: ProbeInput, identityStore: IdentitystoreClient, timeoutMs = 30_000): Promise<number> {
  const graph = graphAs(entra);
  const sp = input.servicePrincipalId;
  const domain = input.scimUsers[0].userPrincipalName.split('@')[1];
  const user = await graph('POST', '/users', {
    userPrincipalName: `CycleProbe@${domain}`,
    displayName: 'Cycle Probe',
    givenName: 'Cycle',
    surname: 'Probe',
    mailNickname: 'CycleProbe',
    department: 'Operations',
    accountEnabled: true,
    passwordProfile: { password: randomBytes(12).toString('base64url') },
  });
  try {
    const [{ appRoleId }] = (await graph('GET', `/servicePrincipals/${sp}/appRoleAssignedTo`)).value;
    const assignment = await graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: user.id, resourceId: sp, appRoleId });
    const [job] = (await graph('GET', `/servicePrincipals/${sp}/synchronization/jobs`)).value;
    await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job.id}/pause`, {});
    const started = Date.now();
    await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs/${job.id}/start`, {});
    await arrival(identityStore, input.identityStoreId, user.userPrincipalName, started + timeoutMs);
    const seconds = (Date.now() - started) / 1000;
    await graph('DELETE', `/servicePrincipals/${sp}/appRoleAssignedTo/${assignment.id}`);
    await graph('DELETE', `/users/${user.id}`);
    // The next cycle disables the unassigned user in AWS; it must be over before the rehearsal counts writes again.
    await cycleAfter(entra, job.id, new Date().toISOString(), started + timeoutMs);
    return seconds;
  } catch (error) {
    await graph('DELETE', `/users/${user.id}`).catch(() => undefined);
    throw error;
  }
}

/** Waits until a cycle of the job that began at `since` or later has ended. */
async function cycleAfter(entra: EntraEmulator, jobId: string, since: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const execution = entra.jobs.find((j) => j.id === jobId)?.status.lastExecution;
    if (execution && execution.timeBegan >= since) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no provisioning cycle of job ${jobId} ended after the probe user was removed`);
}

/** Graph requests with the emulator's token, as an admin's tool would send them. */
function graphAs(entra: EntraEmulator) {
  return async (method: string, path: string, body?: object): Promise<any> => {
    const answer = await fetch(`${entra.endpoint}/v1.0${path}`, {
      method,
      headers: { authorization: `Bearer ${entra.accessToken}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${path} answered HTTP ${answer.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** Waits until the identity store holds the user with a SCIM external id. */
async function arrival(identityStore: IdentitystoreClient, identityStoreId: string, userName: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const { Users } = await identityStore.send(new ListUsersCommand({ IdentityStoreId: identityStoreId }));
    if (Users?.some((u) => u.UserName === userName && (u.ExternalIds ?? []).length > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${userName} did not reach identity store ${identityStoreId} by the job's cycle in time`);
}
