import { Group, IdentitystoreClient, ListGroupMembershipsCommand, ListGroupsCommand } from '@aws-sdk/client-identitystore';
import { OnDemandResult } from '../clients/graph';
import { FederationInput } from '../federation-input';
import { pollUntil, rateLimiter, RetryTimeoutError } from '../retry';
import { all, findUser } from './identity-store-users';
import { already, changed, defineStep, fails, Finding, holds, Step, StepContext } from './step';
import { ensureSyncJob } from './sync-job';

type AssignedGroup = FederationInput['groups'][number];

// Microsoft Entra "On-demand provisioning" (provision-on-demand.md), Known limitations: "a single
// group with up to 5 members at a time"; Graph synchronizationJob: provisionOnDemand: "The rate
// limit for this API is 5 requests per 10 seconds."
export const MEMBERS_PER_REQUEST = 5;
export const ON_DEMAND_RATE = { requests: 5, windowMs: 10_000 };
// How long a group Entra reports as provisioned may take to appear with its members in the identity store.
const ARRIVAL_TIMEOUT_MS = 60_000;

/** The clock pacing and waiting count on; a fake one in the unit tests. */
export interface Clock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const realClock: Clock = { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** What the identity store holds of one assigned group: the group by display name and, per member, whether it is in. */
interface Seen {
  readonly group?: Group;
  readonly missing: AssignedGroup['members'];
  /** Members in AWS that Entra no longer lists: its next cycle removes them (on demand only adds). */
  readonly extra: number;
}

async function findGroup(client: IdentitystoreClient, IdentityStoreId: string, displayName: string): Promise<Group | undefined> {
  const { Groups } = await client.send(new ListGroupsCommand({ IdentityStoreId, Filters: [{ AttributePath: 'DisplayName', AttributeValue: displayName }] }));
  return Groups?.find((g) => g.DisplayName === displayName);
}

async function memberUserIds(client: IdentitystoreClient, IdentityStoreId: string, GroupId: string): Promise<Set<string>> {
  const memberships = await all(async (NextToken) => {
    const page = await client.send(new ListGroupMembershipsCommand({ IdentityStoreId, GroupId, NextToken }));
    return { items: page.GroupMemberships, next: page.NextToken };
  });
  return new Set(memberships.map((m) => m.MemberId?.UserId).filter((id): id is string => Boolean(id)));
}

async function see(ctx: StepContext, assigned: AssignedGroup): Promise<Seen> {
  const { identityStore, input } = ctx;
  const group = await findGroup(identityStore, input.identityStoreId, assigned.displayName);
  if (!group) return { missing: assigned.members, extra: 0 };
  const inGroup = await memberUserIds(identityStore, input.identityStoreId, group.GroupId!);
  const userIds = await Promise.all(assigned.members.map(async (m) => (await findUser(identityStore, input.identityStoreId, m.userPrincipalName))?.UserId));
  const missing = assigned.members.filter((_, i) => !userIds[i] || !inGroup.has(userIds[i]!));
  return { group, missing, extra: [...inGroup].filter((id) => !userIds.includes(id)).length };
}

/**
 * Why the AWS group with this name is not the Entra group's, if it is not: the tie is the Entra
 * object id that SCIM writes into ExternalIds (docs/decisions/0004-groups-tied-by-entra-object-id.md), never the display name alone.
 */
export function tieProblem(assigned: AssignedGroup, group: Group): string | undefined {
  const ids = (group.ExternalIds ?? []).map((e) => e.Id);
  if (ids.includes(assigned.objectId)) return undefined;
  const what = ids.length
    ? `carries ExternalId ${ids.join(', ')}, not the Entra group's object id ${assigned.objectId}: the Entra group was recreated (a new object id) or another Entra group was renamed to "${assigned.displayName}"`
    : 'has no ExternalId, so SCIM did not create it: it was made by hand or by another tool';
  return `group ${assigned.displayName} in Identity Center ${what}. Delete or rename that group in Identity Center (or restore the Entra group), then run post-apply again; nothing is assigned to it until then`;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Entra's own words for a verdict. */
function entraSays(verdict: OnDemandResult): string {
  const { errorCode, errorMessage } = verdict.details as { errorCode?: string; errorMessage?: string };
  return [errorCode, errorMessage].filter(Boolean).join(': ') || JSON.stringify(verdict.details);
}

/** Success, or a Skipped that says source and target already match; anything else is Entra's final word. */
const provisioned = (verdict: OnDemandResult) => verdict.result === 'Success' || (verdict.result === 'Skipped' && verdict.details.errorCode === 'RedundantExport');

function stepFailure(ctx: StepContext, problem: string): Error {
  return new Error(`Step provision-groups: ${problem}. Run \`npm run federation -- post-apply --instance ${ctx.input.instance}\` again once it is fixed.`);
}

/**
 * One group: refuse a group that is not tied to this Entra group before touching it, provision it
 * on demand with the members AWS lacks (5 per request, paced), then wait until the identity store
 * shows it tied and with every member (read the result back: docs/decisions/0008-read-back-and-one-retry-module.md).
 */
async function provisionGroup(ctx: StepContext, assigned: AssignedGroup, send: (members: string[]) => Promise<OnDemandResult>, clock: Clock): Promise<boolean> {
  const before = await see(ctx, assigned);
  const refusal = before.group && tieProblem(assigned, before.group);
  if (refusal) throw stepFailure(ctx, refusal);
  if (before.group && !before.missing.length) return false;
  // The members AWS lacks (all of them when the group is not there); a group without members is still sent once, which creates it.
  const requests = before.missing.length ? chunks(before.missing, MEMBERS_PER_REQUEST) : [[]];
  for (const members of requests) {
    const verdict = await send(members.map((m) => m.objectId));
    if (!provisioned(verdict)) throw stepFailure(ctx, `Entra did not provision group ${assigned.displayName} (${verdict.result}): ${entraSays(verdict)}`);
  }
  await waitForArrival(ctx, assigned, clock);
  return true;
}

async function waitForArrival(ctx: StepContext, assigned: AssignedGroup, clock: Clock): Promise<void> {
  let last: Seen | undefined;
  const arrived = async () => {
    last = await see(ctx, assigned);
    const refusal = last.group && tieProblem(assigned, last.group);
    if (refusal) throw stepFailure(ctx, refusal);
    return last.group && !last.missing.length ? true : undefined;
  };
  try {
    await pollUntil(arrived, { description: `group ${assigned.displayName} is in identity store ${ctx.input.identityStoreId} with its members`, timeoutMs: ARRIVAL_TIMEOUT_MS, intervalMs: 500, ...clock });
  } catch (error) {
    if (!(error instanceof RetryTimeoutError)) throw error;
    const seen = !last?.group ? 'the group is not there' : `members missing: ${last.missing.map((m) => m.userName).join(', ')}`;
    throw stepFailure(ctx, `group ${assigned.displayName} is not in Identity Center as provisioned ${ARRIVAL_TIMEOUT_MS / 1000} s after Entra accepted it (${seen}); Entra's provisioning logs for the app say why`);
  }
}

function groupFindings(assigned: AssignedGroup, seen: Seen): Finding[] {
  const [tie, members] = [`group ${assigned.displayName} tied to its Entra group`, `group ${assigned.displayName} members`];
  if (!seen.group) {
    const problem = `group ${assigned.displayName} is not in Identity Center: run post-apply (step provision-groups)`;
    return [fails(tie, 'absent', problem), fails(members, 'absent', problem)];
  }
  const refusal = tieProblem(assigned, seen.group);
  const listed = assigned.members.map((m) => m.userName).join(', ') || 'none';
  return [
    refusal ? fails(tie, `ExternalIds ${JSON.stringify(seen.group.ExternalIds ?? [])}`, refusal) : holds(tie, `ExternalId ${assigned.objectId}`),
    seen.missing.length
      ? fails(members, `missing ${seen.missing.map((m) => m.userName).join(', ')}`, `group ${assigned.displayName} lacks ${seen.missing.map((m) => m.userName).join(', ')} in Identity Center: run post-apply (step provision-groups)`)
      : seen.extra
        ? { what: members, seen: `${listed} and ${seen.extra} more`, problem: `${seen.extra} member(s) of ${assigned.displayName} in Identity Center are no longer members in Entra: Entra's next provisioning cycle removes them`, severity: 'warn' }
        : holds(members, listed),
  ];
}

/** The step, on a given clock (the unit tests pace on a fake one). */
export function provisionGroupsOn(clock: Clock): Step {
  return defineStep('provision-groups', {
    async apply(ctx) {
      const { input, graph } = ctx;
      if (!input.groups.length) return already('no group is assigned to the app');
      const { job } = await ensureSyncJob(graph, input.servicePrincipalId);
      const ruleId = await graph.synchronization.outboundGroupRuleId(input.servicePrincipalId, job.id);
      // One gate for the whole run: the limit is per app, whichever group a request carries.
      const gate = rateLimiter({ ...ON_DEMAND_RATE, ...clock });
      const done: string[] = [];
      for (const assigned of input.groups) {
        const send = async (members: string[]) => {
          await gate();
          return graph.synchronization.provisionGroupOnDemand(input.servicePrincipalId, job.id, ruleId, assigned.objectId, members);
        };
        if (await provisionGroup(ctx, assigned, send, clock)) done.push(assigned.displayName);
      }
      const names = input.groups.map((g) => g.displayName).join(', ');
      return done.length ? changed(`${done.join(', ')} provisioned with their members`) : already(`${names} already in Identity Center with their members`);
    },

    async check(ctx) {
      const findings = await Promise.all(ctx.input.groups.map(async (assigned) => groupFindings(assigned, await see(ctx, assigned))));
      return findings.flat();
    },
  });
}

/** No undo: SCIM-created groups and their memberships go with this deployment's tenant (the scim-tenant step's undo). */
export const provisionGroups = provisionGroupsOn(realClock);
