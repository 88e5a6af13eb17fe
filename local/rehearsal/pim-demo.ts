/**
 * Just-in-time admin in the rehearsal (docs/jit-admin.md): NikkiWolf is eligible for the privileged group,
 * not a member; she signs in with base access only, runs `npm run elevate`, gets the admin
 * permission set, runs `npm run revoke`, loses it; then an activation that expires without revoke
 * leaves AWS at the next cycle. Each lag is measured from the PIM request Entra recorded to the
 * moment this file's own reading of each identity store shows the change, never from the product's output.
 */
import { rawConfig } from '../../config';
import type { EntraEmulator } from '../emulators/entra';
import { main as federation } from '../../scripts/federation';
import type { FederationInput } from '../../scripts/federation-input';
import { groupInAws } from './groups';
import { Report } from './report';

type Link = Pick<FederationInput, 'instance' | 'region' | 'identityStoreId' | 'groups' | 'samlUsers' | 'applicationClientId' | 'jitClientId'>;
type SignIn = (link: Link, userPrincipalName: string) => Promise<{ status: number; body: any }>;

export interface PimDemoInput {
  readonly entra: EntraEmulator;
  readonly endpoint: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** Both instances' federation link inputs. */
  readonly links: readonly Link[];
  /** NikkiWolf's SAML sign-in through the AWS emulator's ACS: what accounts and permission sets she gets. */
  readonly signIn: SignIn;
  readonly cycleMs: number;
  /** How long the Entra emulator's PIM keeps an activation before it may be ended (Entra: five minutes). */
  readonly minimumActiveMs: number;
  readonly onLine: (line: string) => void;
}

const PIM = '/v1.0/identityGovernance/privilegedAccess/group';
// An activation short enough to watch expire; the emulator's policy check allows any duration up to the maximum.
const SHORT_ACTIVATION = { duration: 'PT5S', ms: 5000 };
const WAIT_MS = 30_000;

/** When Entra recorded the user's newest self-service request of this action (Graph assignmentScheduleRequests). */
async function requestedAt(entra: EntraEmulator, principalId: string, action: string): Promise<number> {
  const answer = await fetch(`${entra.endpoint}${PIM}/assignmentScheduleRequests?$filter=principalId eq '${principalId}' and action eq '${action}'`, { headers: { authorization: `Bearer ${entra.accessToken}` } });
  const [newest] = ((await answer.json()) as { value: { createdDateTime: string }[] }).value;
  if (!newest) throw new Error(`Entra recorded no ${action} request of ${principalId}`);
  return Date.parse(newest.createdDateTime);
}

/** Whether Entra holds an active assignment (an activation) of the user (Graph assignmentScheduleInstances). */
async function activeIn(input: PimDemoInput, principalId: string): Promise<boolean> {
  const answer = await fetch(`${input.entra.endpoint}${PIM}/assignmentScheduleInstances?$filter=principalId eq '${principalId}'`, { headers: { authorization: `Bearer ${input.entra.accessToken}` } });
  if (!answer.ok) throw new Error(`Graph assignmentScheduleInstances: ${answer.status} ${await answer.text()}`);
  return ((await answer.json()) as { value: unknown[] }).value.length > 0;
}

/** Polls each identity store until it shows (or no longer shows) the user in the group; when each did, or undefined. */
async function watchMembership(input: PimDemoInput, group: string, userName: string, member: boolean): Promise<(number | undefined)[]> {
  return Promise.all(
    input.links.map(async (link) => {
      const aws = { region: link.region, endpoint: input.endpoint, credentials: input.credentials };
      for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
        if ((await groupInAws(aws, link.identityStoreId, group))?.members.includes(userName) === member) return Date.now();
      }
      return undefined;
    }),
  );
}

/** The permission sets NikkiWolf's sign-in grants through a group, per instance. */
async function accessThrough(input: PimDemoInput, userName: string, group: string): Promise<string[][]> {
  return Promise.all(
    input.links.map(async (link) => {
      const signIn = await input.signIn(link, userName);
      if (signIn.status !== 200) return [`sign-in refused: ${signIn.body.error ?? signIn.status}`];
      return ((signIn.body.access ?? []) as { via: string; permissionSet: string }[]).filter((a) => a.via === group).map((a) => a.permissionSet);
    }),
  );
}

const seconds = (ms: number | undefined) => (ms === undefined ? 'not within 30 s' : `${(ms / 1000).toFixed(1)} s`);

export async function pimDemo(report: Report, input: PimDemoInput): Promise<void> {
  const [privileged] = rawConfig.pim.privilegedGroups;
  const base = rawConfig.groups.find((g) => g.displayName !== privileged.group && g.members.includes(privileged.eligibleUsers[0]))!.displayName;
  const adminSets = new Set(rawConfig.identityCenter.access['aws-commercial'].filter((a) => a.group === privileged.group).map((a) => a.permissionSet));
  const nikki = input.links[0].samlUsers.find((u) => u.userName === privileged.eligibleUsers[0])!;
  // She signs in through the JIT app registration azure-id made (its consented scopes are in the token).
  const env = { ...process.env, GRAPH_EMULATOR_TOKEN: input.entra.userToken(nikki.userPrincipalName, { clientId: input.links[0].jitClientId }) };
  const run = async (argv: string[]) => federation(argv, env, { print: input.onLine });

  // The grant, read from what Entra issues her through the JIT app: exactly what the commands' calls need, by the
  // Graph permission pages (user-get: User.Read; privilegedAccessGroup-post-assignmentScheduleRequests:
  // PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup; synchronizationJob-provisionOnDemand:
  // Synchronization.ReadWrite.All), nothing more; a call outside it (listing eligibility schedules) is refused.
  const needed = ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'Synchronization.ReadWrite.All', 'User.Read'];
  const granted = [...input.entra.tokenScopes(env.GRAPH_EMULATOR_TOKEN)].sort();
  const outside = await fetch(`${input.entra.endpoint}${PIM}/eligibilitySchedules?$filter=groupId eq '${input.links[0].groups.find((g) => g.displayName === privileged.group)!.objectId}'`, { headers: { authorization: `Bearer ${env.GRAPH_EMULATOR_TOKEN}` } });
  report.check(
    `${nikki.userName} signs in through the JIT app registration: her token carries exactly the scopes the commands need, and a call outside them is refused`,
    JSON.stringify(granted) === JSON.stringify(needed) && outside.status === 403,
    `scopes ${granted.join(', ') || 'none'}; listing eligibility schedules: ${outside.status}`,
  );

  const before = await accessThrough(input, nikki.userPrincipalName, privileged.group);
  const baseAccess = await accessThrough(input, nikki.userPrincipalName, base);
  report.check(`${nikki.userName} is eligible for ${privileged.group}, not a member: her sign-in grants only ${base}'s access in both instances`, before.every((sets) => sets.length === 0) && baseAccess.every((sets) => sets.length > 0), `through ${privileged.group}: ${before.map((s) => s.join(', ') || 'nothing').join(' / ')}; through ${base}: ${baseAccess.map((s) => s.join(', ')).join(' / ')}`);

  const arrived = watchMembership(input, privileged.group, nikki.userPrincipalName, true);
  const elevated = await run(['elevate', '--justification', 'rehearsal: INC-0001', '--duration', 'PT1H']);
  const activatedAt = await requestedAt(input.entra, nikki.objectId, 'selfActivate');
  const inLags = (await arrived).map((at) => at && at - activatedAt);
  report.check(`npm run elevate: activation → ${nikki.userName} in ${privileged.group} in both identity stores`, elevated === 0 && inLags.every((lag) => lag !== undefined), input.links.map((l, i) => `${l.instance} ${seconds(inLags[i])}`).join(', '));
  const after = await accessThrough(input, nikki.userPrincipalName, privileged.group);
  report.check(`after elevate her sign-in carries ${[...adminSets].join(', ')} through ${privileged.group} in both instances`, after.every((sets) => sets.length > 0 && sets.every((s) => adminSets.has(s))), after.map((s) => s.join(', ') || 'nothing').join(' / '));

  // Right after the activation, within PIM's minimum: revoke takes it away in AWS at once, Entra refuses to end it yet.
  const revokeStarted = Date.now();
  const left = watchMembership(input, privileged.group, nikki.userPrincipalName, false);
  const early = await run(['revoke']);
  const outLags = (await left).map((at) => at && at - revokeStarted);
  const afterRevoke = await accessThrough(input, nikki.userPrincipalName, privileged.group);
  report.check(
    `npm run revoke within PIM's minimum: ${nikki.userName} gone from ${privileged.group} in both identity stores and from her sign-in at once, exit 1 (Entra keeps the activation)`,
    early === 1 && outLags.every((lag) => lag !== undefined) && afterRevoke.every((s) => s.length === 0) && (await activeIn(input, nikki.objectId)) === true,
    `exit ${early}; ${input.links.map((l, i) => `${l.instance} ${seconds(outLags[i])}`).join(', ')}`,
  );
  // The minimum passes (five minutes in Entra): the emulator holds activations no longer.
  input.entra.holdActivationsFor(0);
  const figures: string[] = [];
  const again = await federation(['revoke'], env, { print: (line) => (input.onLine(line), figures.push(line)) });
  report.check(`npm run revoke again after the minimum: Entra ends the activation, AWS stays without it, exit 0`, again === 0 && (await activeIn(input, nikki.objectId)) === false && (await accessThrough(input, nikki.userPrincipalName, privileged.group)).every((s) => s.length === 0), `exit ${again}`);
  // Entra's own removal comes at its next cycle and finds nothing; nothing brings the membership back.
  await new Promise((resolve) => setTimeout(resolve, 3 * input.cycleMs));
  const stillOut = await accessThrough(input, nikki.userPrincipalName, privileged.group);
  report.check(`after Entra's next cycles, ${privileged.group} stays out of her sign-in`, stillOut.every((s) => s.length === 0), stillOut.map((s) => s.join(', ') || 'nothing').join(' / '));

  // Expiry without revoke: on-demand provisioning brings it in; only Entra's cycle takes it out.
  const expiring = watchMembership(input, privileged.group, nikki.userPrincipalName, true);
  const shortLived = await run(['elevate', '--justification', 'rehearsal: expiry', '--duration', SHORT_ACTIVATION.duration]);
  await expiring;
  const endsAt = (await requestedAt(input.entra, nikki.objectId, 'selfActivate')) + SHORT_ACTIVATION.ms;
  const gone = await watchMembership(input, privileged.group, nikki.userPrincipalName, false);
  const expiryLags = gone.map((at) => at && at - endsAt);
  report.check(
    `an activation of ${SHORT_ACTIVATION.duration} that expires without revoke leaves both identity stores at the next cycle, not before it ends`,
    shortLived === 0 && expiryLags.every((lag) => lag !== undefined && lag >= 0),
    input.links.map((l, i) => `${l.instance} ${seconds(expiryLags[i])} after the end`).join(', '),
  );

  const worst = (lags: (number | undefined)[]) => seconds(Math.max(...lags.map((l) => l ?? Infinity)));
  report.notes.push(
    [
      'Just-in-time admin lags (activation or end → both identity stores, measured here):',
      `  elevate (PIM activation + provision on demand): ${worst(inLags)}; Microsoft documents 2–10 minutes without on-demand provisioning`,
      `  revoke (the membership removed from each identity store by revoke itself): ${worst(outLags)}; Entra alone would take it out at its next incremental cycle, about 40 minutes (a deactivation is not provisioned on demand)`,
      `  expiry without revoke (the cycle only): ${worst(expiryLags)} after the end, with the emulator's ${input.cycleMs / 1000} s cycle; Entra's is about 40 minutes`,
      `  PIM's minimum activation before it may be ended: ${input.minimumActiveMs / 60_000} minutes in the emulator, as in Entra; the rehearsal lets them pass by lowering it to 0 after the early revoke`,
      'What revoke printed, as it ends access:',
      ...figures.filter((line) => /^(What ends when|  (now|within an hour|at Entra's next|Entra still holds|until they expire))/.test(line)),
    ].join('\n'),
  );
}
