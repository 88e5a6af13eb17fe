/**
 * Just-in-time admin (docs/decisions/0005-just-in-time-admin-with-pim-for-groups.md): `elevate` and `revoke`, run by the user with their own delegated
 * Entra credentials. PIM for Groups activates or ends the membership of the privileged group. After an
 * activation, provisioning on demand carries that one membership to each Identity Center instance in seconds,
 * instead of Microsoft's 2–10 minutes. A deactivation is not processed on demand (Microsoft's AWS IAM Identity
 * Center provisioning tutorial: it waits for the next incremental cycle, about 40 minutes), so revoke removes the
 * membership from each identity store itself and says what lives on, and for how long.
 */
import { GraphError } from '@microsoft/microsoft-graph-client';
import { GraphApi, OnDemandResult } from '../clients/graph';
import { pollUntil, rateLimiter, RetryTimeoutError } from '../retry';
import { Clock, ON_DEMAND_RATE } from '../steps/provision-groups';
import { JIT_APP_NAME } from './sign-in';

/** One Identity Center instance as elevate and revoke see it. */
export interface JitTarget {
  readonly instance: string;
  /** The instance's enterprise app, whose provisioning job carries the membership. */
  readonly servicePrincipalId: string;
  readonly group: { readonly displayName: string; readonly objectId: string };
  readonly portalUrl: string;
  /** Whether the instance's identity store shows the user (by user name) in the group. */
  readonly isMember: (userName: string) => Promise<boolean>;
  /** Adds the user to the group in the identity store; 'present' when there already. */
  readonly addMember: (userName: string) => Promise<'added' | 'present'>;
  /** Removes the user's membership of the group in the identity store; 'absent' when there is none. */
  readonly removeMember: (userName: string) => Promise<'removed' | 'absent'>;
  /** The user's identity store user id, for a Deny keyed on identitystore:userId. */
  readonly userId: (userName: string) => Promise<string | undefined>;
  /** The longest session duration of the group's permission sets in this instance (ISO 8601). */
  readonly longestSession?: string;
  /** Takes the instance's run lock (scripts/run-lock.ts), as post-apply does; returns its release. */
  readonly lock: () => Promise<() => Promise<void>>;
}

export interface JitOptions {
  readonly graph: GraphApi;
  readonly targets: readonly JitTarget[];
  readonly print: (line: string) => void;
  readonly clock?: Clock;
  /** How long an on-demand membership may take to show in the identity store. */
  readonly arrivalTimeoutMs?: number;
  /** How long to wait for Entra's cycle when on-demand provisioning is not allowed. */
  readonly cycleTimeoutMs?: number;
}

export interface ElevateRequest {
  readonly duration: string;
  readonly justification: string;
  /** The policy's maximum (config.ts pim), for the message when Entra refuses a longer activation. */
  readonly maximumDuration?: string;
}

export interface JitOutcome {
  /** Per instance, from the PIM request's answer until the identity store showed the change. */
  readonly lagMs: Record<string, number>;
  /** False when the operator may not provision on demand and the cycle carried the change. */
  readonly onDemand: boolean;
}

/** A refusal the user can act on: the message says the cause and the fix. */
export class JitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JitError';
  }
}

const realClock: Clock = { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
// Microsoft: membership reaches the app 2–10 minutes after an activation without on-demand
// provisioning, and a deactivation waits for the next incremental cycle (about 40 minutes).
const CYCLE_TIMEOUT_MS = 45 * 60_000;
const ARRIVAL_TIMEOUT_MS = 60_000;

const graphError = (error: unknown) => error as GraphError & { statusCode?: number };

/**
 * Entra's policy refusal, with the fix per failed rule (unifiedRoleManagementPolicy rules:
 * expiration, enablement of justification and MFA). unverified: the error code and the rule names
 * Graph returns for PIM for Groups; the Entra emulator answers as local/emulators/entra/pim.ts says.
 */
function policyRefusal(error: unknown, group: string, request: ElevateRequest): JitError | undefined {
  const { statusCode, code, message } = graphError(error);
  if (statusCode !== 400 || code !== 'RoleAssignmentRequestPolicyValidationFailed') return undefined;
  const fixes = [
    message.includes('ExpirationRule') && `the policy of ${group} allows at most ${request.maximumDuration ?? 'a shorter duration'}: pass a shorter --duration`,
    message.includes('JustificationRule') && `the policy of ${group} requires a justification: pass --justification "…" (a ticket or the reason)`,
    message.includes('MfaRule') && `the policy of ${group} requires multi-factor authentication: sign in again with MFA (az logout, then az login)`,
  ].filter(Boolean);
  return new JitError(`Entra refused the activation: ${fixes.join('; ') || message}`);
}

/**
 * A 403 from Graph on the user's own call: the sign-in's token lacks the scope, i.e. the JIT app
 * registration or its admin consent is missing (Azure/azure-cli issue 30149: PermissionScopeNotGranted).
 */
function missingConsent(error: unknown, call: string, scope: string): JitError | undefined {
  if (graphError(error).statusCode !== 403) return undefined;
  return new JitError(
    `Graph refused ${call} (403): the sign-in through the app registration "${JIT_APP_NAME}" does not carry ${scope}; an administrator (Privileged Role Administrator) runs \`npm run deploy\`, which registers the app and grants its admin consent, then run this again.`,
  );
}

/**
 * The activation answered 400 because one exists already (an earlier request went through, e.g. a
 * retry after a hung call): RoleAssignmentExists, or PendingRoleAssignmentRequest while one awaits
 * approval (the PIM error codes of Graph governanceRoleAssignmentRequest, "Error codes").
 */
const alreadyRequested = (error: unknown) => graphError(error).statusCode === 400 && ['RoleAssignmentExists', 'PendingRoleAssignmentRequest'].includes(graphError(error).code ?? '');

/** selfActivate without an eligibility. unverified: the code Graph answers (RoleAssignmentDoesNotExist, as the emulator does). */
const notEligible = (error: unknown) => graphError(error).code === 'RoleAssignmentDoesNotExist';

/** Skipped because source and target already match, as Entra's provisioning state has it (Graph provisionOnDemand example). */
const redundant = (verdict: OnDemandResult) => verdict.result === 'Skipped' && verdict.details.errorCode === 'RedundantExport';

type Sent = 'on demand' | 'already there for Entra' | 'not allowed';

/**
 * The group with this one member, on demand; 'not allowed' when the operator lacks the permission
 * (403). A 429 is retried after its Retry-After by the Graph client (scripts/retry.ts); the gate
 * keeps to 5 requests per 10 s per app (Graph synchronizationJob: provisionOnDemand).
 */
async function provisionMembership(graph: GraphApi, target: JitTarget, userId: string, gate: () => Promise<void>): Promise<Sent> {
  try {
    const [job] = await graph.synchronization.listSyncJobs(target.servicePrincipalId);
    if (!job) throw new JitError(`[${target.instance}] the app has no provisioning job: run \`npm run federation -- post-apply --instance ${target.instance}\` first`);
    const ruleId = await graph.synchronization.outboundGroupRuleId(target.servicePrincipalId, job.id);
    await gate();
    const verdict = await graph.synchronization.provisionGroupOnDemand(target.servicePrincipalId, job.id, ruleId, target.group.objectId, [userId]);
    if (redundant(verdict)) return 'already there for Entra';
    if (verdict.result !== 'Success') throw new JitError(`[${target.instance}] Entra did not provision ${target.group.displayName} on demand (${verdict.result}): ${JSON.stringify(verdict.details)}; Entra's provisioning logs for the app say why`);
    return 'on demand';
  } catch (error) {
    if (error instanceof RetryTimeoutError) {
      // Graph answered 429 (or failed) for the client's whole retry budget: the activation in Entra is done, only its carriage is not.
      throw new JitError(
        `[${target.instance}] on-demand provisioning of ${target.group.displayName} did not go through: ${error.message}. Your PIM activation of ${target.group.displayName} stays active: ` +
          `run \`npm run elevate -- --instance ${target.instance}\` again (it finds the activation and provisions it on demand), or wait for Entra's next provisioning cycle (about 40 minutes) to carry it.`,
      );
    }
    if (graphError(error).statusCode !== 403) throw error;
    return 'not allowed';
  }
}

interface Change {
  readonly member: boolean;
  readonly describe: string;
}

/** For each instance, under its run lock: provision the change, then wait until the identity store shows it. */
async function carryToAws(options: JitOptions, user: { id: string; userPrincipalName: string }, change: Change, since: number): Promise<JitOutcome> {
  const clock = options.clock ?? realClock;
  const lagMs: Record<string, number> = {};
  let onDemand = true;
  for (const target of options.targets) {
    const gate = rateLimiter({ ...ON_DEMAND_RATE, ...clock });
    const release = await target.lock();
    try {
      options.print(`[${target.instance}] provisioning ${target.group.displayName} with ${user.userPrincipalName} on demand (Entra → Identity Center)`);
      const sent = await provisionMembership(options.graph, target, user.id, gate);
      if (sent === 'already there for Entra' && !(await target.isMember(user.userPrincipalName))) {
        // A revoke removed it here before Entra's next cycle saw the deactivation: Entra still counts it as exported.
        options.print(`[${target.instance}] Entra's provisioning counts ${user.userPrincipalName} in ${target.group.displayName} already (its last cycle came before the revoke): adding the membership in the identity store`);
        await target.addMember(user.userPrincipalName);
      }
      if (sent === 'not allowed') {
        onDemand = false;
        options.print(
          `[${target.instance}] you may not provision on demand (Graph answered 403: it needs an Entra role such as Application Administrator and Synchronization.ReadWrite.All): waiting for Entra's provisioning cycle instead — Microsoft documents 2–10 minutes after an activation, and the next incremental cycle (about 40 minutes) after a deactivation`,
        );
      }
      options.print(`[${target.instance}] waiting until the identity store ${change.describe}`);
      const timeoutMs = sent === 'on demand' ? (options.arrivalTimeoutMs ?? ARRIVAL_TIMEOUT_MS) : (options.cycleTimeoutMs ?? CYCLE_TIMEOUT_MS);
      await waitFor(target, user.userPrincipalName, change, timeoutMs, clock);
      lagMs[target.instance] = clock.now() - since;
      options.print(`[${target.instance}] done: ${((clock.now() - since) / 1000).toFixed(1)} s after Entra's answer`);
    } finally {
      await release();
    }
  }
  return { lagMs, onDemand };
}

async function waitFor(target: JitTarget, userName: string, change: Change, timeoutMs: number, clock: Clock): Promise<void> {
  try {
    await pollUntil(async () => ((await target.isMember(userName)) === change.member ? true : undefined), { description: `the identity store of ${target.instance} ${change.describe}`, timeoutMs, intervalMs: 500, ...clock });
  } catch (error) {
    if (!(error instanceof RetryTimeoutError)) throw error;
    throw new JitError(`[${target.instance}] ${error.message}. Entra's provisioning logs for the app (${target.servicePrincipalId}) say why; run the command again to retry`);
  }
}

/** The signed-in user (GET /me), or the sentence that names the app registration when Graph refuses the token. */
async function signedIn(options: JitOptions): Promise<{ id: string; userPrincipalName: string }> {
  return options.graph.directory.me().catch((error) => {
    throw missingConsent(error, 'reading the signed-in user (GET /me)', 'User.Read') ?? error;
  });
}

/** Self-activates membership of the privileged group, then carries it to every instance and prints the portals. */
export async function elevate(request: ElevateRequest, options: JitOptions): Promise<JitOutcome> {
  const [{ group }] = options.targets;
  const me = await signedIn(options);
  options.print(`waiting for Entra (PIM) to grant membership of ${group.displayName} to ${me.userPrincipalName} for ${request.duration}`);
  const pending = () =>
    new JitError(`Entra holds the activation for approval by the approvers of ${group.displayName} (config.ts pim): once approved, Entra provisions it at its next cycle, or run \`npm run elevate\` again to provision it on demand`);
  const answer = await options.graph.pim.selfActivateMembership(group.objectId, me.id, request.duration, request.justification).catch((error) => {
    if (alreadyRequested(error)) return { status: graphError(error).code };
    if (notEligible(error)) {
      throw new JitError(`${me.userPrincipalName} is not eligible for membership of ${group.displayName}: add the user to eligibleUsers of ${group.displayName} in config.ts (pim.privilegedGroups) and run \`npm run deploy\`, or ask an administrator to make the user eligible in PIM.`);
    }
    throw missingConsent(error, 'the activation', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup') ?? policyRefusal(error, group.displayName, request) ?? error;
  });
  const since = (options.clock ?? realClock).now();
  if (answer.status === 'PendingApproval' || answer.status === 'PendingRoleAssignmentRequest') throw pending();
  if (answer.status === 'RoleAssignmentExists') {
    options.print(`membership of ${group.displayName} is already active for ${me.userPrincipalName} (an earlier request went through, e.g. one whose answer was lost); it ends when that activation does, or with \`npm run revoke\``);
  } else {
    options.print(`Entra granted it (${answer.status}); it ends by itself after ${request.duration}, or with \`npm run revoke\``);
  }
  const outcome = await carryToAws(options, me, { member: true, describe: `shows ${me.userPrincipalName} in ${group.displayName}` }, since);
  options.print(`${group.displayName} is yours in every instance. Sign in through the access portal:`);
  for (const target of options.targets) options.print(`  ${target.instance}: ${target.portalUrl}`);
  return outcome;
}

/** How Entra answered the deactivation. */
type Deactivation = 'ended' | 'not active' | 'too soon';

/**
 * PIM for Groups: an assignment "can't be removed within five minutes of it being assigned" (Microsoft Entra,
 * "Assign eligibility for a group in Privileged Identity Management"). unverified: the code Graph answers,
 * ActiveDurationTooShort as public PIM clients handle it; the Entra emulator answers it.
 */
const tooSoon = (error: unknown) => graphError(error).code === 'ActiveDurationTooShort';

async function endInEntra(options: JitOptions, groupId: string, userId: string): Promise<Deactivation> {
  try {
    await options.graph.pim.selfDeactivateMembership(groupId, userId);
    return 'ended';
  } catch (error) {
    const refused = missingConsent(error, 'the deactivation', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup');
    if (refused) throw refused;
    if (tooSoon(error)) return 'too soon';
    // Nothing active: 404 (the emulator) or RoleAssignmentDoesNotExist ("The Role assignment does not exist.").
    if (graphError(error).statusCode === 404 || notEligible(error)) return 'not active';
    throw error;
  }
}

/** The identity store refused the removal for want of a permission: the membership then ends only at Entra's cycle. */
function removalDenied(error: unknown, target: JitTarget): JitError | undefined {
  if ((error as Error).name !== 'AccessDeniedException') return undefined;
  return new JitError(
    `[${target.instance}] your AWS profile may not remove the membership in the identity store (identitystore:GetGroupMembershipId and identitystore:DeleteGroupMembership, in permissions/): ` +
      `Entra takes it away at its next incremental cycle instead, about 40 minutes. Get those permissions and run \`npm run revoke\` again to end it now.`,
  );
}

export interface RevokeOutcome {
  /** Per instance, from Entra's answer until the identity store no longer showed the membership. */
  readonly lagMs: Record<string, number>;
  readonly entra: Deactivation;
  /** Per instance, whether this run removed the membership or found it gone. */
  readonly removed: Record<string, 'removed' | 'absent'>;
}

const ENTRA_SAID: Record<Deactivation, string> = {
  ended: 'Entra ended the membership',
  'not active': 'no active membership in Entra (expired or already revoked)',
  'too soon': 'Entra refused to end it yet: PIM keeps an activation at least five minutes',
};

/**
 * What ends when, as the services document it: printed by revoke so that nobody takes a removed membership for
 * ended sessions. The SCP follows AWS "Revoke active IAM role sessions created by permission sets", step 2.
 */
function whatEndsWhen(options: JitOptions, userName: string, outcome: RevokeOutcome, userIds: Record<string, string | undefined>): string[] {
  const { group } = options.targets[0];
  const seconds = (instance: string) => (outcome.removed[instance] === 'absent' ? 'already gone' : `${(outcome.lagMs[instance] / 1000).toFixed(1)} s`);
  const lines = [
    `What ends when, for ${userName} through ${group.displayName}:`,
    `  now: ${outcome.entra === 'ended' ? "Entra's membership (PIM) and " : ''}the membership in the identity store of ${options.targets.map((t) => `${t.instance} (${seconds(t.instance)})`).join(', ')}: ` +
      `no new role session through ${group.displayName} (AWS "Revoke active IAM role sessions created by permission sets", step 3)`,
    `  within an hour: an AWS access portal session already open may still start role sessions (AWS "Authentication sessions": sign-in sessions are cached up to an hour; documented for a disabled user, unverified for a membership); ` +
      `end it now in the IAM Identity Center console: Users → ${userName} → Active sessions`,
    outcome.entra === 'too soon'
      ? `  Entra still holds the membership: its next incremental cycle (about 40 minutes) would add it back in AWS; run \`npm run revoke\` again five minutes after the activation`
      : `  at Entra's next incremental cycle (about 40 minutes; a deactivation is not provisioned on demand): Entra removes the membership itself and finds it gone`,
  ];
  for (const target of options.targets) {
    const deny = JSON.stringify({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'identitystore:userId': userIds[target.instance] ?? '<user id>' } } });
    lines.push(
      `  until they expire: role sessions already started in ${target.instance} (up to ${target.longestSession ?? 'the permission sets\' session duration'}); to end them now, attach this statement as an SCP: ${deny}`,
    );
  }
  return lines;
}

/**
 * Ends the membership in Entra (PIM) and removes it from every instance's identity store at once, since Entra's own
 * removal waits for its next incremental cycle; then says what ends when. Safe to run again after a partial run.
 */
export async function revoke(options: JitOptions): Promise<RevokeOutcome> {
  const clock = options.clock ?? realClock;
  const [{ group }] = options.targets;
  const me = await signedIn(options);
  options.print(`waiting for Entra (PIM) to end membership of ${group.displayName} for ${me.userPrincipalName}`);
  const entra = await endInEntra(options, group.objectId, me.id);
  options.print(ENTRA_SAID[entra]);
  const since = clock.now();
  const outcome: RevokeOutcome = { lagMs: {}, entra, removed: {} };
  const userIds: Record<string, string | undefined> = {};
  for (const target of options.targets) {
    const release = await target.lock();
    try {
      options.print(`[${target.instance}] removing ${me.userPrincipalName} from ${group.displayName} in the identity store`);
      userIds[target.instance] = await target.userId(me.userPrincipalName);
      outcome.removed[target.instance] = await target.removeMember(me.userPrincipalName).catch((error) => {
        throw removalDenied(error, target) ?? error;
      });
      await waitFor(target, me.userPrincipalName, { member: false, describe: `no longer shows ${me.userPrincipalName} in ${group.displayName}` }, options.arrivalTimeoutMs ?? ARRIVAL_TIMEOUT_MS, clock);
      outcome.lagMs[target.instance] = clock.now() - since;
      options.print(`[${target.instance}] ${outcome.removed[target.instance] === 'removed' ? 'removed' : 'already gone'}: ${((clock.now() - since) / 1000).toFixed(1)} s after Entra's answer`);
    } finally {
      await release();
    }
  }
  whatEndsWhen(options, me.userPrincipalName, outcome, userIds).forEach((line) => options.print(line));
  if (entra === 'too soon') throw new JitError(`${group.displayName} is gone from AWS, but Entra still holds the membership: run \`npm run revoke\` again five minutes after the activation.`);
  return outcome;
}
