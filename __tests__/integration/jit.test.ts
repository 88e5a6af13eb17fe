import { EntraEmulator } from '../../local/emulators/entra';
import { GraphApi } from '../../scripts/clients/graph';
import { elevate, JitError, JitTarget, revoke } from '../../scripts/jit/elevate';
import { ScimStub } from '../support/scim-stub';
import { graphRequests } from '../support/entra-graph';
import { JIT_SCOPES, registerPublicClient } from '../support/jit-client';
import { jitGraph } from '../../scripts/jit/sign-in';

// elevate and revoke against the Entra emulator (PIM for Groups, provisioning on demand, its cycle)
// with a SCIM stub per instance standing in for the identity store (docs/jit-admin.md).
const CYCLE_MS = 300;
const PIM = '/identityGovernance/privilegedAccess/group';
const RULE_ID = '03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8';

describe('elevate and revoke (scripts/jit/elevate.ts)', () => {
  let entra: EntraEmulator;
  const stubs = [new ScimStub(), new ScimStub()];
  let nikki: { id: string; userPrincipalName: string };
  let group: { id: string };
  let targets: JitTarget[];
  let lines: string[];
  let locks: string[];
  /** The JIT app registration (a public client with the three delegated scopes and admin consent). */
  let clientId: string;
  const signIn = (userPrincipalName: string, options: { mfa?: boolean; canProvision?: boolean } = {}) => entra.userToken(userPrincipalName, { clientId, ...options });

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${entra.endpoint}/v1.0${path}`, { method, headers: { authorization: `Bearer ${entra.accessToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  };
  const graphAs = (token: string) => new GraphApi({ graph: entra.endpoint, login: entra.endpoint }, { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) }, { timeoutMs: 15_000, attemptTimeoutMs: 5_000 });
  const options = (token = signIn(nikki.userPrincipalName)) => ({ graph: graphAs(token), targets, print: (line: string) => lines.push(line), arrivalTimeoutMs: 5_000, cycleTimeoutMs: 10_000 });
  const onDemandCalls = () => entra.requests.all().filter((c) => c.operation.endsWith('/provisionOnDemand')).reduce((sum, c) => sum + c.count, 0);
  const inStub = (stub: ScimStub) => {
    const target = [...stub.users.values()].find((u) => u.userName === nikki.userPrincipalName);
    const admins = [...stub.groups.values()].find((g) => g.displayName === 'AWS-Admins');
    return Boolean(target && admins?.members?.some((m: { value: string }) => m.value === target.id));
  };

  /** One app per instance, assigned AWS-Admins and NikkiWolf, its job pointed at that instance's stub. */
  async function instance(name: string, stub: ScimStub): Promise<JitTarget> {
    const { servicePrincipal } = await admin('POST', '/applicationTemplates/21ed01d2-ec13-4e9e-86c1-cd546719ebc4/instantiate', { displayName: `AWS ${name}` });
    const role = servicePrincipal.appRoles.find((r: { displayName: string }) => r.displayName === 'User').id;
    for (const principalId of [group.id, nikki.id]) await admin('POST', `/servicePrincipals/${servicePrincipal.id}/appRoleAssignedTo`, { principalId, resourceId: servicePrincipal.id, appRoleId: role });
    await admin('POST', `/servicePrincipals/${servicePrincipal.id}/synchronization/jobs`, { templateId: 'aWSSingleSignon' });
    await admin('PUT', `/servicePrincipals/${servicePrincipal.id}/synchronization/secrets`, { value: [{ key: 'BaseAddress', value: await stub.listen() }, { key: 'SecretToken', value: stub.token }] });
    return {
      instance: name,
      servicePrincipalId: servicePrincipal.id,
      group: { displayName: 'AWS-Admins', objectId: group.id },
      portalUrl: `https://portal.example/${name}`,
      isMember: async () => inStub(stub),
      addMember: async (userName) => {
        const user = [...stub.users.values()].find((u) => u.userName === userName);
        const admins = [...stub.groups.values()].find((g) => g.displayName === 'AWS-Admins');
        if (admins.members?.some((m: { value: string }) => m.value === user.id)) return 'present';
        admins.members = [...(admins.members ?? []), { value: user.id }];
        return 'added';
      },
      removeMember: async (userName) => {
        const user = [...stub.users.values()].find((u) => u.userName === userName);
        const admins = [...stub.groups.values()].find((g) => g.displayName === 'AWS-Admins');
        if (!user || !admins?.members?.some((m: { value: string }) => m.value === user.id)) return 'absent';
        admins.members = admins.members.filter((m: { value: string }) => m.value !== user.id);
        return 'removed';
      },
      userId: async (userName) => [...stub.users.values()].find((u) => u.userName === userName)?.id,
      longestSession: 'PT1H',
      lock: async () => (locks.push(`take ${name}`), async () => void locks.push(`release ${name}`)),
    };
  }

  beforeAll(async () => {
    // Activations may end at once here; the five-minute rule has a test of its own below.
    entra = await EntraEmulator.start({ cycleMs: CYCLE_MS, minimumActiveMs: 0 });
    ({ appId: clientId } = await registerPublicClient(graphRequests(entra)));
    nikki = await admin('POST', '/users', { userPrincipalName: 'NikkiWolf@rehearsal.onmicrosoft.com', displayName: 'Nikki Wolf', mailNickname: 'NikkiWolf', accountEnabled: true, passwordProfile: { password: 'x-Pa55word!' } });
    group = await admin('POST', '/groups', { displayName: 'AWS-Admins', mailEnabled: false, mailNickname: 'AWS-Admins', securityEnabled: true });
    targets = [await instance('aws-commercial', stubs[0]), await instance('aws-govcloud', stubs[1])];
    // The eligibility first: it brings the group under PIM, after which its policy assignment is listed (Graph PIM for Groups overview, onboarding).
    await admin('POST', `${PIM}/eligibilityScheduleRequests`, { accessId: 'member', principalId: nikki.id, groupId: group.id, action: 'adminAssign', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P30D' } } });
    const [assignment] = (await admin('GET', `/policies/roleManagementPolicyAssignments?$filter=scopeType eq 'Group' and scopeId eq '${group.id}' and roleDefinitionId eq 'member'`)).value;
    await admin('PATCH', `/policies/roleManagementPolicies/${assignment.policyId}`, { rules: [{ id: 'Expiration_EndUser_Assignment', maximumDuration: 'PT2H' }, { id: 'Enablement_EndUser_Assignment', enabledRules: ['Justification', 'MultiFactorAuthentication'] }] });
  });
  afterAll(async () => {
    await entra.stop();
    await Promise.all(stubs.map((s) => s.close()));
  });
  beforeEach(() => {
    lines = [];
    locks = [];
  });
  afterEach(async () => {
    // Leave no activation behind for the next test.
    await revoke(options()).catch(() => undefined);
  });

  it('elevate activates her membership, provisions it on demand to both instances under their run locks, waits until both show it and prints the portals', async () => {
    const outcome = await elevate({ duration: 'PT1H', justification: 'INC-42 restore the prod bucket' }, options());
    expect(stubs.map(inStub)).toEqual([true, true]);
    expect(outcome.onDemand).toBe(true);
    expect(Object.keys(outcome.lagMs)).toEqual(['aws-commercial', 'aws-govcloud']);
    expect(locks).toEqual(['take aws-commercial', 'release aws-commercial', 'take aws-govcloud', 'release aws-govcloud']);
    const printed = lines.join('\n');
    expect(printed).toMatch(/waiting for Entra \(PIM\) to grant membership of AWS-Admins to NikkiWolf@rehearsal\.onmicrosoft\.com for PT1H/);
    expect(printed).toMatch(/\[aws-commercial\] waiting until the identity store shows NikkiWolf@rehearsal\.onmicrosoft\.com in AWS-Admins/);
    expect(printed).toContain('https://portal.example/aws-commercial');
    expect(printed).toContain('https://portal.example/aws-govcloud');
  });

  // Microsoft's AWS IAM Identity Center provisioning tutorial: a deactivation is not processed through on-demand
  // provisioning (the emulator follows it), so revoke removes the membership in each identity store itself.
  it('revoke ends the membership in Entra and removes it from both identity stores itself, provisioning nothing on demand, and says what ends when', async () => {
    await elevate({ duration: 'PT1H', justification: 'INC-43' }, options());
    [lines, locks] = [[], []];
    const onDemandBefore = onDemandCalls();
    const outcome = await revoke(options());
    expect(stubs.map(inStub)).toEqual([false, false]);
    expect(onDemandCalls()).toBe(onDemandBefore);
    expect(outcome).toMatchObject({ entra: 'ended', removed: { 'aws-commercial': 'removed', 'aws-govcloud': 'removed' } });
    expect(locks).toEqual(['take aws-commercial', 'release aws-commercial', 'take aws-govcloud', 'release aws-govcloud']);
    const printed = lines.join('\n');
    expect(printed).toMatch(/now: Entra's membership \(PIM\) and the membership in the identity store of aws-commercial \([\d.]+ s\), aws-govcloud \([\d.]+ s\)/);
    expect(printed).toMatch(/within an hour: an AWS access portal session already open/);
    expect(printed).toMatch(/at Entra's next incremental cycle \(about 40 minutes; a deactivation is not provisioned on demand\)/);
    const herId = [...stubs[0].users.values()].find((u) => u.userName === nikki.userPrincipalName).id;
    expect(printed).toContain(`until they expire: role sessions already started in aws-commercial (up to PT1H); to end them now, attach this statement as an SCP: {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"identitystore:userId":"${herId}"}}}`);
  });

  // Entra cannot see a membership removed in AWS (SCIM GetGroup returns no members) until its next cycle: on demand it
  // answers RedundantExport, and elevate adds the membership in the identity store itself.
  it('elevate right after a revoke brings her back in both instances, though Entra still counts her as provisioned', async () => {
    await elevate({ duration: 'PT1H', justification: 'INC-46' }, options());
    await revoke(options());
    lines = [];
    await elevate({ duration: 'PT1H', justification: 'INC-47' }, options());
    expect(stubs.map(inStub)).toEqual([true, true]);
    expect(lines.join('\n')).toMatch(/\[aws-commercial\] Entra's provisioning counts NikkiWolf@rehearsal\.onmicrosoft\.com in AWS-Admins already \(its last cycle came before the revoke\): adding the membership in the identity store/);
  });

  it('a revoke cut short after Entra answered succeeds when run again: Entra has nothing active, the rest is removed', async () => {
    await elevate({ duration: 'PT1H', justification: 'INC-44' }, options());
    const failing = { ...targets[1], removeMember: async () => Promise.reject(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })) };
    await expect(revoke({ ...options(), targets: [targets[0], failing] })).rejects.toThrow('socket hang up');
    expect(stubs.map(inStub)).toEqual([false, true]);
    lines = [];
    const again = await revoke(options());
    expect(again).toMatchObject({ entra: 'not active', removed: { 'aws-commercial': 'absent', 'aws-govcloud': 'removed' } });
    expect(stubs.map(inStub)).toEqual([false, false]);
    expect(lines.join('\n')).toContain('no active membership in Entra (expired or already revoked)');
  });

  // PIM for Groups keeps an activation at least five minutes (Microsoft Entra, "Assign eligibility for a group in PIM").
  it('a revoke within five minutes of the activation removes the membership in AWS, keeps exit 1 and says to run it again, which then ends it in Entra', async () => {
    await elevate({ duration: 'PT1H', justification: 'INC-48' }, options());
    entra.holdActivationsFor(60_000);
    try {
      await expect(revoke(options())).rejects.toThrow('AWS-Admins is gone from AWS, but Entra still holds the membership: run `npm run revoke` again five minutes after the activation.');
      expect(stubs.map(inStub)).toEqual([false, false]);
      expect(lines.join('\n')).toContain('Entra still holds the membership: its next incremental cycle (about 40 minutes) would add it back in AWS');
    } finally {
      entra.holdActivationsFor(0);
    }
    await expect(revoke(options())).resolves.toMatchObject({ entra: 'ended', removed: { 'aws-commercial': 'absent', 'aws-govcloud': 'absent' } });
  });

  it('without the identity store permission, revoke says the membership ends at Entra\'s next cycle and what to ask for', async () => {
    await elevate({ duration: 'PT1H', justification: 'INC-45' }, options());
    const denied = { ...targets[0], removeMember: async () => Promise.reject(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' })) };
    const refused = revoke({ ...options(), targets: [denied] });
    await expect(refused).rejects.toThrow(JitError);
    await expect(refused).rejects.toThrow(/\[aws-commercial\] your AWS profile may not remove the membership in the identity store \(identitystore:GetGroupMembershipId and identitystore:DeleteGroupMembership.*Entra takes it away at its next incremental cycle instead, about 40 minutes/);
  });

  it('signs in through the JIT app registration asking exactly its three delegated Graph scopes', async () => {
    const asked: string[][] = [];
    const credential = { getToken: async (scopes: string | string[]) => (asked.push([scopes].flat()), { token: signIn(nikki.userPrincipalName), expiresOnTimestamp: Date.now() + 3600_000 }) };
    await elevate({ duration: 'PT1H', justification: 'INC-50' }, { ...options(), graph: jitGraph({ graph: entra.endpoint, login: entra.endpoint }, credential) });
    expect(new Set(asked.map((s) => JSON.stringify(s)))).toEqual(new Set([JSON.stringify(JIT_SCOPES.map((s) => `${entra.endpoint}/${s}`))]));
  });

  describe('failure paths', () => {
    it('a duplicated activation (an earlier request went through, its answer lost in a hang) is recognised: elevate goes on and provisions', async () => {
      const token = signIn(nikki.userPrincipalName);
      const earlier = await fetch(`${entra.endpoint}/v1.0${PIM}/assignmentScheduleRequests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ accessId: 'member', principalId: nikki.id, groupId: group.id, action: 'selfActivate', justification: 'INC-51', scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration: 'PT1H' } } }),
      });
      expect(earlier.status).toBe(201);
      await elevate({ duration: 'PT1H', justification: 'INC-51' }, options(token));
      expect(lines.join('\n')).toMatch(/already active/);
      expect(stubs.map(inStub)).toEqual([true, true]);
    });

    it('a user who is not eligible gets one sentence naming the group and the fix, not the Graph body', async () => {
      const other = await admin('POST', '/users', { userPrincipalName: 'NotEligible@rehearsal.onmicrosoft.com', displayName: 'Not Eligible', mailNickname: 'NotEligible', accountEnabled: true, passwordProfile: { password: 'x-Pa55word!' } });
      const refused = elevate({ duration: 'PT1H', justification: 'INC-52' }, options(signIn(other.userPrincipalName)));
      await expect(refused).rejects.toThrow(JitError);
      await expect(refused).rejects.toThrow(/^NotEligible@rehearsal\.onmicrosoft\.com is not eligible for membership of AWS-Admins: add the user to eligibleUsers of AWS-Admins in config\.ts \(pim\.privilegedGroups\) and run `npm run deploy`[^{]*$/);
    });

    it('a token without the PIM scope (az login, or the app without consent) gets a sentence naming the app registration and npm run deploy', async () => {
      for (const token of [entra.userToken(nikki.userPrincipalName), entra.userToken(nikki.userPrincipalName, { clientId: (await registerPublicClient(graphRequests(entra), JIT_SCOPES, ['User.Read'])).appId })]) {
        const refused = elevate({ duration: 'PT1H', justification: 'INC-53' }, options(token));
        await expect(refused).rejects.toThrow(JitError);
        await expect(refused).rejects.toThrow(/app registration .*npm run deploy/);
      }
    });

    it('a policy refusal (too long) names the maximum and the flag, and provisions nothing', async () => {
      const before = onDemandCalls();
      const refused = elevate({ duration: 'PT3H', justification: 'too long', maximumDuration: 'PT2H' }, options());
      await expect(refused).rejects.toThrow(JitError);
      await expect(refused).rejects.toThrow(/Entra refused the activation: the policy of AWS-Admins allows at most PT2H.*--duration/);
      expect(onDemandCalls()).toBe(before);
      expect(stubs.map(inStub)).toEqual([false, false]);
    });

    it('a policy refusal without justification, or without MFA, says how to fix it', async () => {
      await expect(elevate({ duration: 'PT1H', justification: '' }, options())).rejects.toThrow(/requires a justification: pass --justification "…"/);
      await expect(elevate({ duration: 'PT1H', justification: 'no mfa' }, options(signIn(nikki.userPrincipalName, { mfa: false })))).rejects.toThrow(/requires multi-factor authentication: sign in again with MFA/);
    });

    it('an activation held for approval provisions nothing and says who decides', async () => {
      const approved = await admin('POST', '/groups', { displayName: 'AWS-Approved', mailEnabled: false, mailNickname: 'AWS-Approved', securityEnabled: true });
      await admin('POST', `${PIM}/eligibilityScheduleRequests`, { accessId: 'member', principalId: nikki.id, groupId: approved.id, action: 'adminAssign', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P30D' } } });
      const [assignment] = (await admin('GET', `/policies/roleManagementPolicyAssignments?$filter=scopeType eq 'Group' and scopeId eq '${approved.id}' and roleDefinitionId eq 'member'`)).value;
      await admin('PATCH', `/policies/roleManagementPolicies/${assignment.policyId}`, { rules: [{ id: 'Approval_EndUser_Assignment', setting: { isApprovalRequired: true, approvalStages: [] } }] });
      const before = onDemandCalls();
      const held = { ...options(), targets: targets.map((t) => ({ ...t, group: { displayName: 'AWS-Approved', objectId: approved.id } })) };
      await expect(elevate({ duration: 'PT1H', justification: 'INC-47' }, held)).rejects.toThrow(/holds the activation for approval by the approvers of AWS-Approved/);
      expect(onDemandCalls()).toBe(before);
    });

    it('a throttled on-demand call (429) is sent again after its Retry-After, and elevate completes', async () => {
      entra.faults.arm({ kind: 'provisionOnDemand 429', count: 1, matches: (r) => r.operation.endsWith('/provisionOnDemand'), answer: { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'TooManyRequests', message: 'throttled' } } } });
      const started = Date.now();
      await elevate({ duration: 'PT1H', justification: 'INC-44' }, options());
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(entra.faults.outcomes()).toEqual(expect.arrayContaining([{ kind: 'provisionOnDemand 429', injected: 1, retried: 1, recovered: 1 }]));
      expect(stubs.map(inStub)).toEqual([true, true]);
    });

    it('without the permission to provision on demand (403) it falls back to the cycle, says so, and still waits for both', async () => {
      for (const target of targets) {
        const [job] = (await admin('GET', `/servicePrincipals/${target.servicePrincipalId}/synchronization/jobs`)).value;
        await admin('POST', `/servicePrincipals/${target.servicePrincipalId}/synchronization/jobs/${job.id}/start`);
      }
      const outcome = await elevate({ duration: 'PT1H', justification: 'INC-45' }, options(signIn(nikki.userPrincipalName, { canProvision: false })));
      expect(outcome.onDemand).toBe(false);
      expect(lines.join('\n')).toMatch(/may not provision on demand \(Graph answered 403.*\): waiting for Entra's provisioning cycle instead/);
      expect(stubs.map(inStub)).toEqual([true, true]);
      for (const target of targets) {
        const [job] = (await admin('GET', `/servicePrincipals/${target.servicePrincipalId}/synchronization/jobs`)).value;
        await admin('POST', `/servicePrincipals/${target.servicePrincipalId}/synchronization/jobs/${job.id}/pause`);
      }
    });
  });

  it('on-demand requests carry the group and only her (one member, the limit being 5)', async () => {
    const seen: unknown[] = [];
    entra.faults.arm({ kind: 'observe', count: 2, matches: (r) => (r.operation.endsWith('/provisionOnDemand') && seen.push(JSON.parse(r.body.toString())), false), answer: { status: 500, body: {} } });
    await elevate({ duration: 'PT30M', justification: 'INC-46' }, options());
    // One request per instance, sent again only after the emulator's own 5-per-10-s limit answered 429.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.map((body) => JSON.stringify(body)))).toEqual(new Set([JSON.stringify({ parameters: [{ ruleId: RULE_ID, subjects: [{ objectId: group.id, objectTypeName: 'Group', links: { members: [{ objectId: nikki.id, objectTypeName: 'User' }] } }] }] })]));
  });
});

describe('elevate and revoke on the command line', () => {
  it('parse without --instance (both instances) and carry the group, duration and justification', () => {
    const { parseInvocation } = jest.requireActual('../../scripts/federation') as typeof import('../../scripts/federation');
    expect(parseInvocation(['elevate', '--justification', 'INC-1', '--duration', 'PT30M'], {})).toMatchObject({ command: 'elevate', jit: { justification: 'INC-1', duration: 'PT30M' } });
    expect(parseInvocation(['revoke', '--group', 'AWS-Admins'], {})).toMatchObject({ command: 'revoke', jit: { group: 'AWS-Admins' } });
  });

  it('--instance: only that instance is read and changed (the other one needs no deploy record)', async () => {
    const { jitTargets } = jest.requireActual('../../scripts/jit/targets') as typeof import('../../scripts/jit/targets');
    const { rawConfig } = jest.requireActual('../../config') as typeof import('../../config');
    const { loadConfig } = jest.requireActual('../../config') as typeof import('../../config');
    const { loadFederationContext } = jest.requireActual('../../app-config/context') as typeof import('../../app-config/context');
    const config = loadConfig(rawConfig);
    const read: string[] = [];
    const input = { instance: 'aws-govcloud', awsProfile: 'aws-govcloud', region: 'us-gov-west-1', partition: 'aws-us-gov', identityStoreId: 'd-9067012345', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', servicePrincipalId: '2c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', jitClientId: '5c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', groups: [{ displayName: 'AWS-Admins', objectId: '6c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', members: [] }] };
    const records = { location: 'memory', read: async (instance: string) => (read.push(instance), instance === 'aws-govcloud' ? ({ input } as any) : undefined), write: async () => undefined, remove: async () => undefined };
    const sources = { config, privileged: config.pim.privilegedGroups[0], records, locks: {} as any, context: loadFederationContext(), env: {}, command: 'elevate', print: () => undefined };
    const { targets } = await jitTargets({ ...sources, instances: ['aws-govcloud'] });
    expect(targets.map((t) => t.instance)).toEqual(['aws-govcloud']);
    expect(read).toEqual(['aws-govcloud']);
  });
});
