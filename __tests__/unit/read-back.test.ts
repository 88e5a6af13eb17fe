/**
 * A step reports success only after reading the result back from the service
 * (docs/decisions/0008-read-back-and-one-retry-module.md). Here the identity store is slow: what Entra provisioned on demand shows only after a
 * number of reads. provision-on-demand, provision-groups and elevate must keep reading until it
 * shows, report success only then, and when it never shows fail by their deadline naming the instance.
 */
import { randomUUID } from 'node:crypto';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { GraphApi, OnDemandResult } from '../../scripts/clients/graph';
import { FederationInput } from '../../scripts/federation-input';
import { elevate, JitError, JitTarget } from '../../scripts/jit/elevate';
import { Clock, provisionGroupsOn } from '../../scripts/steps/provision-groups';
import { provisionOnDemandOn } from '../../scripts/steps/provision-on-demand';
import { StepContext } from '../../scripts/steps/step';

const TENANT = '5e1f0b2c-0d4e-4f6a-9b8c-7d6e5f4a3b2c';
const ISSUER = `arn:aws:identitystore:::provisioningtenant/${TENANT}`;

function fakeClock(): Clock {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

/**
 * An identity store where what SCIM writes becomes readable only on the `lag`-th read after it was
 * written (Infinity: never). `reads` counts the reads of the object since it was written.
 */
class SlowStore {
  private user?: { UserId: string; UserName: string; ExternalIds: { Issuer: string; Id: string }[] };
  private group?: { GroupId: string; DisplayName: string; ExternalIds: { Issuer: string; Id: string }[] };
  private members: string[] = [];
  readonly userIds = new Map<string, string>();
  reads = 0;
  written = false;

  constructor(private readonly lag: number) {}

  private visible(): boolean {
    if (!this.written) return false;
    this.reads++;
    return this.reads >= this.lag;
  }

  private idOf(userName: string): string {
    if (!this.userIds.has(userName)) this.userIds.set(userName, randomUUID());
    return this.userIds.get(userName)!;
  }

  writeUser(userName: string): void {
    this.user = { UserId: this.idOf(userName), UserName: userName, ExternalIds: [{ Issuer: ISSUER, Id: userName }] };
    this.written = true;
  }

  writeGroup(displayName: string, objectId: string, memberNames: string[]): void {
    this.group = { GroupId: randomUUID(), DisplayName: displayName, ExternalIds: [{ Issuer: ISSUER, Id: objectId }] };
    this.members = memberNames.map((n) => this.idOf(n));
    this.written = true;
  }

  async send(command: { constructor: { name: string }; input: any }): Promise<any> {
    const { input } = command;
    switch (command.constructor.name) {
      case 'ListUsersCommand': {
        const name = input.Filters[0].AttributeValue;
        if (this.user?.UserName === name) return { Users: this.visible() ? [this.user] : [] };
        // Group members are users SCIM created with the group; readable once the group is.
        return { Users: this.group && this.userIds.has(name) ? [{ UserId: this.userIds.get(name), UserName: name }] : [] };
      }
      case 'ListGroupsCommand':
        return { Groups: this.group && this.visible() ? [this.group] : [] };
      case 'ListGroupMembershipsCommand':
        return { GroupMemberships: this.members.map((UserId) => ({ GroupId: input.GroupId, MemberId: { UserId } })) };
      default:
        throw new Error(`SlowStore: ${command.constructor.name} is not faked`);
    }
  }
}

const richRoe = { userName: 'RichRoe', objectId: randomUUID(), userPrincipalName: 'RichRoe@contoso.onmicrosoft.com' };
const base = { displayName: 'AWS-Base', objectId: randomUUID(), members: [richRoe] };

/** Entra answering Success and SCIM writing into the slow store, for instance aws-govcloud. */
function federation(lag: number) {
  const store = new SlowStore(lag);
  const success: OnDemandResult = { result: 'Success', details: {} };
  const graph = {
    synchronization: {
      listSyncJobs: async () => [{ id: 'job-1', templateId: 'aWSSingleSignon', status: { code: 'Active' } }],
      outboundUserRuleId: async () => 'rule-users',
      outboundGroupRuleId: async () => 'rule-groups',
      provisionOnDemand: async () => (store.writeUser(richRoe.userPrincipalName), success),
      provisionGroupOnDemand: async () => (store.writeGroup(base.displayName, base.objectId, [richRoe.userPrincipalName]), success),
    },
  };
  const input = { instance: 'aws-govcloud', identityStoreId: 'd-9067000000', servicePrincipalId: 'sp-1', scimUsers: [richRoe], groups: [base] } as unknown as FederationInput;
  const console = { listProvisioningTenants: async () => [{ tenantId: TENANT, scimEndpoint: 'https://scim.example' }] };
  const ctx: StepContext = { input, identityStore: store as unknown as IdentitystoreClient, graph: graph as unknown as GraphApi, console: console as any, log: () => undefined, notes: {} };
  return { store, ctx };
}

describe('provision-on-demand reads the user back', () => {
  it('waits for a user that shows on the 5th read, and reports success only then', async () => {
    const { store, ctx } = federation(5);
    await expect(provisionOnDemandOn(fakeClock()).apply(ctx)).resolves.toEqual({ outcome: 'changed', detail: 'RichRoe provisioned' });
    expect(store.reads).toBe(5);
  });

  it('fails by its deadline, naming the user, the instance and the fix, when the user never shows', async () => {
    const { store, ctx } = federation(Infinity);
    const clock = fakeClock();
    const started = clock.now();
    await expect(provisionOnDemandOn(clock).apply(ctx)).rejects.toThrow(
      /^Step provision-on-demand: RichRoe@contoso\.onmicrosoft\.com is not in Identity Center of aws-govcloud \(identity store d-9067000000\) as created by SCIM 60 s after Entra answered Success.*post-apply --instance aws-govcloud/,
    );
    expect(store.reads).toBeGreaterThan(100);
    expect(clock.now() - started).toBeLessThanOrEqual(60_000);
  });
});

describe('provision-groups reads the group back', () => {
  it('waits for a group that shows on the 4th read after Entra accepted it, and reports success only then', async () => {
    const { store, ctx } = federation(4);
    await expect(provisionGroupsOn(fakeClock()).apply(ctx)).resolves.toEqual({ outcome: 'changed', detail: 'AWS-Base provisioned with their members' });
    expect(store.reads).toBe(4);
  });

  it('fails by its deadline naming the group and the instance when it never shows', async () => {
    const { ctx } = federation(Infinity);
    await expect(provisionGroupsOn(fakeClock()).apply(ctx)).rejects.toThrow(/^Step provision-groups: group AWS-Base is not in Identity Center as provisioned 60 s after .*post-apply --instance aws-govcloud/s);
  });
});

describe('elevate reads the membership back in each instance', () => {
  /** An instance whose identity store shows the membership on the `lag`-th read after Entra's on-demand answer. */
  function target(instance: string, lag: number) {
    const state = { provisioned: false, reads: 0 };
    const t: JitTarget = {
      instance,
      servicePrincipalId: `sp-${instance}`,
      group: { displayName: 'AWS-Admins', objectId: 'group-admins' },
      portalUrl: `https://${instance}.awsapps.com/start`,
      isMember: async () => state.provisioned && ++state.reads >= lag,
      addMember: async () => 'added',
      removeMember: async () => 'removed',
      userId: async () => 'u-1',
      lock: async () => async () => undefined,
    };
    return { t, state };
  }

  function jit(targets: ReturnType<typeof target>[]) {
    const bySp = new Map(targets.map((x) => [x.t.servicePrincipalId, x.state]));
    const graph = {
      directory: { me: async () => ({ id: 'user-1', userPrincipalName: 'NikkiWolf@contoso.onmicrosoft.com' }) },
      pim: { selfActivateMembership: async () => ({ status: 'Provisioned' }) },
      synchronization: {
        listSyncJobs: async () => [{ id: 'job-1' }],
        outboundGroupRuleId: async () => 'rule-groups',
        provisionGroupOnDemand: async (sp: string) => ((bySp.get(sp)!.provisioned = true), { result: 'Success', details: {} }),
      },
    };
    const lines: string[] = [];
    return { options: { graph: graph as unknown as GraphApi, targets: targets.map((x) => x.t), print: (l: string) => lines.push(l), clock: fakeClock() }, lines };
  }

  const request = { duration: 'PT1H', justification: 'change 42' };

  it('waits in each instance until the membership shows, and only then says the group is yours', async () => {
    const [commercial, govcloud] = [target('aws-commercial', 3), target('aws-govcloud', 6)];
    const { options, lines } = jit([commercial, govcloud]);
    const outcome = await elevate(request, options);
    expect([commercial.state.reads, govcloud.state.reads]).toEqual([3, 6]);
    expect(outcome.lagMs['aws-govcloud']).toBeGreaterThan(outcome.lagMs['aws-commercial']);
    const yours = lines.findIndex((l) => l.startsWith('AWS-Admins is yours in every instance'));
    expect(yours).toBeGreaterThan(lines.findIndex((l) => l.startsWith('[aws-govcloud] done')));
  });

  it('fails by its deadline naming the instance whose identity store never shows it, and says nothing is yours', async () => {
    const [commercial, govcloud] = [target('aws-commercial', 1), target('aws-govcloud', Infinity)];
    const { options, lines } = jit([commercial, govcloud]);
    const failure = elevate(request, options);
    await expect(failure).rejects.toThrow(JitError);
    await expect(failure).rejects.toThrow(/^\[aws-govcloud\] Gave up after 60 s waiting until the identity store of aws-govcloud shows NikkiWolf@contoso\.onmicrosoft\.com in AWS-Admins\. .*\(sp-aws-govcloud\)/);
    expect(lines.some((l) => l.includes('is yours'))).toBe(false);
  });
});
