/**
 * The provision-groups step on in-memory fakes: an identity store that SCIM writes into and an
 * Entra that answers provisionOnDemand for a group, on a fake clock. No network.
 */
import { randomUUID } from 'node:crypto';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { GraphApi, OnDemandResult } from '../../scripts/clients/graph';
import { FederationInput } from '../../scripts/federation-input';
import { isFailure, StepContext } from '../../scripts/steps/step';
import { Clock, provisionGroupsOn } from '../../scripts/steps/provision-groups';

const SCIM_ISSUER = 'arn:aws:identitystore:::provisioningtenant/5e1f0b2c-0d4e-4f6a-9b8c-7d6e5f4a3b2c';
const member = (userName: string) => ({ userName, objectId: randomUUID(), userPrincipalName: `${userName}@contoso.onmicrosoft.com` });

/** The identity store's groups, users and memberships, read through the commands the step sends. */
class Store {
  users = new Map<string, string>();
  groups: { GroupId: string; DisplayName: string; ExternalIds?: { Issuer: string; Id: string }[] }[] = [];
  memberships: { GroupId: string; UserId: string }[] = [];

  userId(userPrincipalName: string): string {
    if (!this.users.has(userPrincipalName)) this.users.set(userPrincipalName, randomUUID());
    return this.users.get(userPrincipalName)!;
  }

  /** What SCIM makes of an on-demand request: the group (externalId = Entra object id) and the named members. */
  provision(displayName: string, externalId: string, userPrincipalNames: string[]): void {
    let group = this.groups.find((g) => g.DisplayName === displayName);
    if (!group) this.groups.push((group = { GroupId: randomUUID(), DisplayName: displayName, ExternalIds: [{ Issuer: SCIM_ISSUER, Id: externalId }] }));
    for (const upn of userPrincipalNames) this.memberships.push({ GroupId: group.GroupId, UserId: this.userId(upn) });
  }

  async send(command: { constructor: { name: string }; input: any }): Promise<any> {
    const { input } = command;
    switch (command.constructor.name) {
      case 'ListGroupsCommand':
        return { Groups: this.groups.filter((g) => g.DisplayName === input.Filters[0].AttributeValue) };
      case 'ListGroupMembershipsCommand':
        return { GroupMemberships: this.memberships.filter((m) => m.GroupId === input.GroupId).map((m) => ({ GroupId: m.GroupId, MemberId: { UserId: m.UserId } })) };
      case 'ListUsersCommand': {
        const upn = input.Filters[0].AttributeValue;
        return { Users: this.users.has(upn) ? [{ UserId: this.users.get(upn), UserName: upn }] : [] };
      }
      default:
        throw new Error(`Store: ${command.constructor.name} is not faked`);
    }
  }
}

/** A clock whose sleep only moves time on. */
function fakeClock(): Clock & { slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)), slept };
}

function setup(groups: FederationInput['groups']) {
  const store = new Store();
  const clock = fakeClock();
  const requests: { at: number; group: string; members: string[] }[] = [];
  // Entra's verdict per request; Success by default, which SCIM then carries out.
  let answer = (): OnDemandResult => ({ result: 'Success', details: {} });
  let arrives = true;
  const graph = {
    synchronization: {
      listSyncJobs: async () => [{ id: 'job-1', templateId: 'aWSSingleSignon', status: { code: 'Active' } }],
      outboundGroupRuleId: async () => 'rule-1',
      provisionGroupOnDemand: async (_sp: string, _job: string, _rule: string, groupId: string, members: string[]) => {
        requests.push({ at: clock.now(), group: groupId, members });
        const verdict = answer();
        const group = groups.find((g) => g.objectId === groupId)!;
        const upns = group.members.filter((m) => members.includes(m.objectId)).map((m) => m.userPrincipalName);
        if (verdict.result === 'Success' && arrives) store.provision(group.displayName, groupId, upns);
        return verdict;
      },
    },
  };
  const input = { instance: 'aws-commercial', identityStoreId: 'd-1234567890', servicePrincipalId: 'sp-1', groups } as unknown as FederationInput;
  const ctx: StepContext = { input, identityStore: store as unknown as IdentitystoreClient, graph: graph as unknown as GraphApi, console: {} as any, log: () => undefined, notes: {} };
  const step = provisionGroupsOn(clock);
  return {
    store,
    clock,
    requests,
    ctx,
    step,
    answerWith: (verdict: OnDemandResult) => (answer = () => verdict),
    neverArrives: () => (arrives = false),
  };
}

const base = { displayName: 'AWS-Base', objectId: randomUUID(), members: [member('NikkiWolf'), member('RichRoe')] };

describe('provision-groups', () => {
  it('provisions each assigned group with its members, waits for them, and its check holds', async () => {
    const admins = { displayName: 'AWS-Admins', objectId: randomUUID(), members: [base.members[0]] };
    const { step, ctx, requests, store } = setup([base, admins]);
    const result = await step.apply(ctx);
    expect(result).toEqual({ outcome: 'changed', detail: 'AWS-Base, AWS-Admins provisioned with their members' });
    expect(requests.map((r) => [r.group, r.members])).toEqual([
      [base.objectId, base.members.map((m) => m.objectId)],
      [admins.objectId, [admins.members[0].objectId]],
    ]);
    expect(store.memberships).toHaveLength(3);
    const findings = await step.check(ctx);
    expect(findings.filter(isFailure)).toEqual([]);
    expect(findings.map((f) => f.what)).toEqual(['group AWS-Base tied to its Entra group', 'group AWS-Base members', 'group AWS-Admins tied to its Entra group', 'group AWS-Admins members']);
    expect(await step.apply(ctx)).toEqual({ outcome: 'already so', detail: 'AWS-Base, AWS-Admins already in Identity Center with their members' });
    expect(requests).toHaveLength(2);
  });

  it('sends at most 5 members a request, and only the members AWS lacks', async () => {
    const large = { displayName: 'Large', objectId: randomUUID(), members: Array.from({ length: 12 }, (_, i) => member(`U${i}`)) };
    const { step, ctx, requests, store } = setup([large]);
    store.provision('Large', large.objectId, large.members.slice(0, 1).map((m) => m.userPrincipalName));
    await step.apply(ctx);
    expect(requests.map((r) => r.members.length)).toEqual([5, 5, 1]);
    expect(requests.flatMap((r) => r.members)).not.toContain(large.members[0].objectId);
  });

  it('paces requests to 5 per 10 s across groups', async () => {
    const groups = Array.from({ length: 3 }, (_, g) => ({ displayName: `G${g}`, objectId: randomUUID(), members: Array.from({ length: 20 }, (_, i) => member(`G${g}U${i}`)) }));
    const { step, ctx, requests } = setup(groups);
    await step.apply(ctx);
    expect(requests).toHaveLength(12);
    for (let i = 5; i < requests.length; i++) expect(requests[i].at - requests[i - 5].at).toBeGreaterThanOrEqual(10_000);
    expect(requests[5].at - requests[0].at).toBe(10_000);
  });

  it('a group that does not arrive fails naming the group and the step', async () => {
    const { step, ctx, neverArrives } = setup([base]);
    neverArrives();
    await expect(step.apply(ctx)).rejects.toThrow(/^Step provision-groups: group AWS-Base is not in Identity Center as provisioned 60 s after .*\(the group is not there\).*post-apply --instance aws-commercial/s);
    const findings = await step.check(ctx);
    expect(findings.map((f) => f.problem)).toEqual([
      'group AWS-Base is not in Identity Center: run post-apply (step provision-groups)',
      'group AWS-Base is not in Identity Center: run post-apply (step provision-groups)',
    ]);
  });

  it("Entra's refusal ends the step at once with Entra's words, never waited out", async () => {
    const { step, ctx, answerWith, clock } = setup([base]);
    answerWith({ result: 'Skipped', details: { errorCode: 'NotEffectivelyEntitled', errorMessage: 'not assigned' } });
    await expect(step.apply(ctx)).rejects.toThrow('Step provision-groups: Entra did not provision group AWS-Base (Skipped): NotEffectivelyEntitled: not assigned');
    expect(clock.slept).toEqual([]);
  });

  it('refuses a group whose ExternalId is another Entra object id (recreated or renamed), before provisioning it', async () => {
    const { step, ctx, store, requests } = setup([base]);
    store.provision('AWS-Base', randomUUID(), []);
    await expect(step.apply(ctx)).rejects.toThrow(/group AWS-Base in Identity Center carries ExternalId .*, not the Entra group's object id .*: the Entra group was recreated .* or another Entra group was renamed to "AWS-Base"/);
    expect(requests).toEqual([]);
    expect((await step.check(ctx)).find((f) => f.what === 'group AWS-Base tied to its Entra group')?.problem).toMatch(/recreated/);
  });

  it('refuses a group of that name that SCIM did not create (no ExternalId)', async () => {
    const { step, ctx, store } = setup([base]);
    store.groups.push({ GroupId: randomUUID(), DisplayName: 'AWS-Base' });
    await expect(step.apply(ctx)).rejects.toThrow('group AWS-Base in Identity Center has no ExternalId, so SCIM did not create it');
  });

  it('check: a missing member fails, a member Entra no longer lists is a warning for the next cycle', async () => {
    const { step, ctx, store } = setup([base]);
    store.provision('AWS-Base', base.objectId, [base.members[0].userPrincipalName, 'Gone@contoso.onmicrosoft.com']);
    const [, members] = await step.check(ctx);
    expect(members).toMatchObject({ seen: 'missing RichRoe', severity: 'fail' });
    store.provision('AWS-Base', base.objectId, [base.members[1].userPrincipalName]);
    const [, again] = await step.check(ctx);
    expect(again).toMatchObject({ severity: 'warn', problem: expect.stringContaining("Entra's next provisioning cycle removes them") });
  });

  it('does nothing when no group is assigned', async () => {
    const { step, ctx, requests } = setup([]);
    expect(await step.apply(ctx)).toEqual({ outcome: 'already so', detail: 'no group is assigned to the app' });
    expect(requests).toEqual([]);
  });
});
