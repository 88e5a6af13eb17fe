import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { EntraEmulator } from '../../local/emulators/entra';
import { parseIdpMetadata, toPem } from '../../scripts/saml-metadata';
import { ScimStub } from '../support/scim-stub';
import { graphRequests, GraphRequest } from '../support/entra-graph';
import { JIT_SCOPES, MICROSOFT_GRAPH_APP_ID, registerPublicClient } from '../support/jit-client';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const CYCLE_MS = 100;

describe('Entra emulator', () => {
  let entra: EntraEmulator;
  let scim: ScimStub;
  let scimBase: string;

  const graph: GraphRequest = (method, path, body) => graphRequests(entra)(method, path, body);
  const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const value = await probe();
      if (value) return value;
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  /** A gallery app with its job, NikkiWolf-like users, and helpers bound to them. */
  async function app(options: { assign?: boolean; saveSecrets?: boolean } = {}) {
    const instantiated = (await graph('POST', '/applicationTemplates/21ed01d2-ec13-4e9e-86c1-cd546719ebc4/instantiate', { displayName: 'AWS IAM Identity Center' })).body;
    const sp: string = instantiated.servicePrincipal.id;
    // The gallery app's User role, by display name: its value is null (Graph concept page application-saml-sso-configure-api).
    const userRole = instantiated.servicePrincipal.appRoles.find((r: { displayName: string }) => r.displayName === 'User').id;
    const suffix = Math.random().toString(36).slice(2, 8);
    const user = (await graph('POST', '/users', { userPrincipalName: `RichRoe${suffix}@contoso.onmicrosoft.com`, displayName: 'Richard Roe', givenName: 'Richard', surname: 'Roe', department: 'Operations', mailNickname: `RichRoe${suffix}`, accountEnabled: true, passwordProfile: { password: 'x-Pa55word!' } })).body;
    const assignment = options.assign === false ? undefined : (await graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId: user.id, resourceId: sp, appRoleId: userRole })).body;
    const job = (await graph('POST', `/servicePrincipals/${sp}/synchronization/jobs`, { templateId: 'aWSSingleSignon' })).body;
    const jobPath = `/servicePrincipals/${sp}/synchronization/jobs/${job.id}`;
    if (options.saveSecrets !== false) await graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, { value: [{ key: 'BaseAddress', value: scimBase }, { key: 'SecretToken', value: 'good-token' }] });
    return {
      sp,
      user,
      assignment,
      job,
      jobPath,
      read: async () => (await graph('GET', jobPath)).body,
      onDemand: async () => (await graph('POST', `${jobPath}/provisionOnDemand`, { parameters: [{ ruleId: '03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8', subjects: [{ objectId: user.id, objectTypeName: 'User' }] }] })).body,
    };
  }

  beforeAll(async () => {
    scim = new ScimStub();
    scimBase = await scim.listen();
    entra = await EntraEmulator.start({ cycleMs: CYCLE_MS });
  });
  afterAll(async () => {
    await entra.stop();
    await scim.close();
  });
  beforeEach(() => {
    scim.requests.length = 0;
    scim.users.clear();
    scim.groups.clear();
    scim.token = 'good-token';
    scim.refuseCreate = undefined;
  });

  describe('synchronization job states (Graph synchronizationStatus, synchronizationSchedule, Create synchronizationJob)', () => {
    it('a new job is NotConfigured with a Disabled schedule, and NotRun once credentials are saved', async () => {
      const { job, read } = await app({ saveSecrets: false });
      expect(job.schedule).toEqual({ expiration: null, interval: 'P10675199DT2H48M5.4775807S', state: 'Disabled' });
      expect(job.status).toMatchObject({ code: 'NotConfigured', lastExecution: null, quarantine: null, steadyStateFirstAchievedTime: '0001-01-01T00:00:00Z' });
      const { sp } = await app({ saveSecrets: false });
      await graph('PUT', `/servicePrincipals/${sp}/synchronization/secrets`, { value: [{ key: 'BaseAddress', value: scimBase }, { key: 'SecretToken', value: 'good-token' }] });
      expect((await read()).status.code).toBe('NotConfigured');
      expect((await graph('GET', `/servicePrincipals/${sp}/synchronization/jobs`)).body.value[0].status.code).toBe('NotRun');
    });

    it('start schedules the job (NotRun until a cycle finishes, then Active); pause pauses the schedule', async () => {
      const { jobPath, read } = await app();
      expect((await graph('POST', `${jobPath}/start`)).status).toBe(204);
      const started = await read();
      expect(started.schedule.state).toBe('Active');
      expect(['NotRun', 'Active']).toContain(started.status.code);
      const active = await waitFor(async () => {
        const job = await read();
        return job.status.code === 'Active' ? job : undefined;
      }, 'the first cycle');
      // Later incremental cycles export nothing and may already have run on a busy machine: the first
      // cycle's export stays in lastSuccessfulExecutionWithExports (Graph synchronizationStatus).
      expect(active.status.lastExecution).toMatchObject({ state: 'Succeeded', error: null });
      expect(active.status.lastSuccessfulExecutionWithExports).toMatchObject({ state: 'Succeeded', countExported: 1, error: null });
      await graph('POST', `${jobPath}/pause`);
      expect(await read()).toMatchObject({ schedule: { state: 'Paused' }, status: { code: 'Paused' } });
    });

    it('a refused token quarantines the job with the documented quarantine fields, re-evaluated as a series', async () => {
      const { jobPath, read } = await app();
      scim.token = 'rotated-elsewhere';
      await graph('POST', `${jobPath}/start`);
      const first = await waitFor(async () => (await read()).status.quarantine, 'quarantine');
      expect(first).toEqual({
        currentBegan: expect.any(String),
        nextAttempt: expect.any(String),
        reason: 'EncounteredQuarantineException',
        seriesBegan: first.currentBegan,
        seriesCount: 0,
        error: expect.objectContaining({ code: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure' }),
      });
      expect(Date.parse(first.nextAttempt)).toBeGreaterThan(Date.parse(first.currentBegan));
      const again = await waitFor(async () => ((await read()).status.quarantine?.seriesCount > 0 ? (await read()).status.quarantine : undefined), 're-evaluation');
      expect(again.seriesBegan).toBe(first.seriesBegan);
      expect((await read()).status).toMatchObject({ code: 'Quarantine', lastExecution: { state: 'Failed' } });
      expect((await read()).schedule.state).toBe('Active');
      scim.token = 'good-token';
      await graph('POST', `${jobPath}/start`);
      expect((await read()).status.quarantine).toBeNull();
      await graph('POST', `${jobPath}/pause`);
    });

    it("a 400 from SCIM on one user is that user's failure (EntryLevelErrors), not a quarantine", async () => {
      const { jobPath, read } = await app();
      scim.refuseCreate = { status: 400, detail: 'Values may not contain the characters " < > ; : %' };
      await graph('POST', `${jobPath}/start`);
      const job = await waitFor(async () => {
        const current = await read();
        return current.status.lastExecution ? current : undefined;
      }, 'a cycle');
      expect(job.status).toMatchObject({ code: 'Active', quarantine: null, lastExecution: { state: 'EntryLevelErrors', countEscrowed: 1 } });
      await graph('POST', `${jobPath}/pause`);
    });
  });

  describe('provisioning against a SCIM app (Microsoft "How application provisioning works")', () => {
    const verdict = (answer: { key: string }) => JSON.parse(answer.key);

    it('provisionOnDemand skips an unassigned user, with the reason in details.errorCode and errorMessage', async () => {
      const { onDemand } = await app({ assign: false });
      const answer = await onDemand();
      expect(verdict(answer)).toEqual({ result: 'Skipped', details: { errorCode: 'NotEffectivelyEntitled', errorMessage: expect.stringContaining('IsEffectivelyEntitledForProvisioning') } });
      expect(scim.requests).toEqual([]);
    });

    it('looks the user up by userName first and creates only when there is no match', async () => {
      const { onDemand, user } = await app();
      expect(verdict(await onDemand())).toEqual({ result: 'Success', details: {} });
      expect(scim.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
      expect(decodeURIComponent(scim.requests[0].path)).toContain(`filter=userName eq "${user.userPrincipalName}"`);
      expect(scim.requests[1].body).toMatchObject({ userName: user.userPrincipalName, externalId: user.mailNickname, active: true });
    });

    it('adopts a user the target already holds (made by hand): PATCHes what differs, externalId included, never POSTs', async () => {
      const { onDemand, user } = await app();
      // What Terraform created in Identity Center (guide step 2.2): same userName, no externalId, no department.
      scim.users.set('by-hand', { id: 'by-hand', userName: user.userPrincipalName, displayName: 'Richard Roe', name: { givenName: 'Richard', familyName: 'Roe' }, emails: [{ value: user.userPrincipalName, type: 'work', primary: true }], active: true });
      expect(verdict(await onDemand())).toEqual({ result: 'Success', details: {} });
      expect(scim.writes()).toEqual([
        {
          method: 'PATCH',
          path: '/scim/v2/Users/by-hand',
          body: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [
              { op: 'Replace', path: 'externalId', value: user.mailNickname },
              { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Operations' },
            ],
          },
        },
      ]);
    });

    it('on demand while the first cycle exports the same user: one create, then the match, no 409', async () => {
      const { jobPath, onDemand } = await app();
      await graph('POST', `${jobPath}/start`);
      expect(verdict(await onDemand()).result).not.toBe('Failure');
      expect(scim.writes().map((r) => r.method)).toEqual(['POST']);
      await graph('POST', `${jobPath}/pause`);
    });

    it('answers a SCIM 409 on create with a Failure whose details.errorCode is EntryConflict', async () => {
      const { onDemand } = await app();
      scim.refuseCreate = { status: 409, detail: 'User already exists' };
      expect(verdict(await onDemand())).toEqual({ result: 'Failure', details: { errorCode: 'EntryConflict', errorMessage: expect.stringContaining('409') } });
    });

    it('disables (active=false) a provisioned user who is unassigned, and never deletes them', async () => {
      const { jobPath, read, sp, assignment } = await app();
      await graph('POST', `${jobPath}/start`);
      await waitFor(async () => ((await read()).status.code === 'Active' ? true : undefined), 'the first cycle');
      await graph('DELETE', `/servicePrincipals/${sp}/appRoleAssignedTo/${assignment.id}`);
      const disabled = await waitFor(async () => scim.writes().find((r) => r.method === 'PATCH'), 'the disabling PATCH');
      expect(disabled.body.Operations).toEqual([{ op: 'Replace', path: 'active', value: false }]);
      expect(scim.requests.some((r) => r.method === 'DELETE')).toBe(false);
      await graph('POST', `${jobPath}/pause`);
    });
  });

  describe('groups (Graph group, group-post-members, group-delete-members) and their provisioning', () => {
    const verdict = (answer: { key: string }) => JSON.parse(answer.key);
    const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
    const newUser = async (name: string) =>
      (await graph('POST', '/users', { userPrincipalName: `${name}${Math.random().toString(36).slice(2, 8)}@contoso.onmicrosoft.com`, displayName: name, mailNickname: name, accountEnabled: true, passwordProfile: { password: 'x-Pa55word!' } })).body;
    const newGroup = async (displayName: string, members: { id: string }[] = [], securityEnabled = true) => {
      const group = (await graph('POST', '/groups', { displayName, mailEnabled: false, mailNickname: displayName, securityEnabled })).body;
      for (const member of members) await graph('POST', `/groups/${group.id}/members/$ref`, { '@odata.id': `${entra.endpoint}/v1.0/directoryObjects/${member.id}` });
      return group;
    };
    const assign = async (sp: string, principalId: string) => {
      const role = (await graph('GET', `/servicePrincipals/${sp}`)).body.appRoles.find((r: { displayName: string }) => r.displayName === 'User').id;
      return graph('POST', `/servicePrincipals/${sp}/appRoleAssignedTo`, { principalId, resourceId: sp, appRoleId: role });
    };
    const groupOnDemand = (jobPath: string, groupId: string, members: { id: string }[]) =>
      graph('POST', `${jobPath}/provisionOnDemand`, {
        parameters: [{ ruleId: '03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8', subjects: [{ objectId: groupId, objectTypeName: 'Group', links: { members: members.map((m) => ({ objectId: m.id, objectTypeName: 'User' })) } }] }],
      });
    const groupWrites = () => scim.writes().filter((r) => r.path.includes('/Groups'));
    const cycle = async (jobPath: string) => {
      const before = (await graph('GET', jobPath)).body.status.lastExecution?.timeEnded;
      await graph('POST', `${jobPath}/start`);
      await waitFor(async () => {
        const ended = (await graph('GET', jobPath)).body.status.lastExecution?.timeEnded;
        return ended && ended !== before ? true : undefined;
      }, 'a cycle');
      await graph('POST', `${jobPath}/pause`);
    };

    it('creates, reads, renames and deletes a group; members by $ref, a duplicate refused with Graph\'s message; the beta path too', async () => {
      expect((await graph('POST', '/groups', { displayName: 'No nickname', mailEnabled: false, securityEnabled: true })).status).toBe(400);
      const member = await newUser('Member');
      const group = await newGroup('AWS-Base', [member]);
      const ref = { '@odata.id': `${entra.endpoint}/v1.0/directoryObjects/${member.id}` };
      const again = await graph('POST', `/groups/${group.id}/members/$ref`, ref);
      expect(again).toEqual({ status: 400, body: { error: { code: 'Request_BadRequest', message: "One or more added object references already exist for the following modified properties: 'members'." } } });
      expect((await graph('GET', `/groups/${group.id}/members?$filter=id eq '${member.id}'`)).body.value).toEqual([expect.objectContaining({ '@odata.type': '#microsoft.graph.user', id: member.id })]);
      const beta = await fetch(`${entra.endpoint}/beta/groups/${group.id}`, { headers: { authorization: `Bearer ${entra.accessToken}` } });
      expect(await beta.json()).toMatchObject({ id: group.id, displayName: 'AWS-Base', securityEnabled: true, mailEnabled: false });
      expect((await graph('PATCH', `/groups/${group.id}`, { displayName: 'AWS-Base-2' })).status).toBe(204);
      expect((await graph('GET', `/groups?$filter=displayName eq 'AWS-Base-2'`)).body.value.map((g: any) => g.id)).toEqual([group.id]);
      expect((await graph('DELETE', `/groups/${group.id}/members/${member.id}/$ref`)).status).toBe(204);
      expect((await graph('DELETE', `/groups/${group.id}/members/${member.id}/$ref`)).status).toBe(404);
      expect((await graph('DELETE', `/groups/${group.id}`)).status).toBe(204);
      expect((await graph('GET', `/groups/${group.id}`)).status).toBe(404);
    });

    // Graph group resource, isAssignableToRole: needs securityEnabled, set only at creation (immutable).
    it('creates a role-assignable group and shows isAssignableToRole; refuses it without securityEnabled or on a dynamic group, and refuses changing it later', async () => {
      const create = (name: string, extra: Record<string, unknown>) => graph('POST', '/groups', { displayName: name, mailEnabled: false, mailNickname: name, securityEnabled: true, ...extra });
      const assignable = await create('PIM-Assignable', { isAssignableToRole: true });
      expect(assignable).toMatchObject({ status: 201, body: { isAssignableToRole: true } });
      expect((await graph('GET', `/groups/${assignable.body.id}`)).body).toMatchObject({ isAssignableToRole: true });
      const beta = await fetch(`${entra.endpoint}/beta/groups/${assignable.body.id}`, { headers: { authorization: `Bearer ${entra.accessToken}` } });
      expect(await beta.json()).toMatchObject({ isAssignableToRole: true });
      expect((await graph('GET', `/groups/${(await newGroup('PIM-Plain')).id}`)).body).toMatchObject({ isAssignableToRole: false });
      expect(await create('PIM-NotSecurity', { isAssignableToRole: true, securityEnabled: false })).toMatchObject({ status: 400, body: { error: { code: 'Request_BadRequest' } } });
      expect(await create('PIM-Dynamic', { isAssignableToRole: true, groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Ops"' })).toMatchObject({ status: 400 });
      for (const [id, value] of [[assignable.body.id, false], [(await newGroup('PIM-Later')).id, true]]) {
        expect(await graph('PATCH', `/groups/${id}`, { isAssignableToRole: value })).toMatchObject({ status: 400, body: { error: { code: 'Request_BadRequest' } } });
      }
      expect((await graph('GET', `/groups/${assignable.body.id}`)).body.isAssignableToRole).toBe(true);
    });

    it('assigns a security group to an app, refuses one that is not security-enabled', async () => {
      const { sp } = await app({ assign: false });
      expect((await assign(sp, (await newGroup('AWS-Admins')).id)).status).toBe(201);
      expect((await assign(sp, (await newGroup('Mail only', [], false)).id)).status).toBe(400);
    });

    it('a cycle creates the assigned group empty with externalId = its object id, then PATCHes its direct members in; a nested group is ignored', async () => {
      const { sp, jobPath } = await app({ assign: false });
      const [onlyInGroup, nestedMember] = [await newUser('OnlyInGroup'), await newUser('Nested')];
      const nested = await newGroup('Nested', [nestedMember]);
      const group = await newGroup('AWS-Base', [onlyInGroup, nested]);
      await assign(sp, group.id);
      await cycle(jobPath);
      const created = [...scim.users.values()].map((u) => u.userName);
      expect(created).toEqual([onlyInGroup.userPrincipalName]);
      const [create, add] = groupWrites();
      expect(create).toMatchObject({ method: 'POST', body: { displayName: 'AWS-Base', externalId: group.id, members: [] } });
      const target = [...scim.users.values()][0].id;
      expect(add).toEqual({ method: 'PATCH', path: `/scim/v2/Groups/${[...scim.groups.keys()][0]}`, body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: target }] }] } });
      expect(groupWrites()).toHaveLength(2);
    });

    it('matches a group the target holds by displayName: no create, externalId set, members added', async () => {
      const { sp, jobPath } = await app({ assign: false });
      const member = await newUser('Member');
      const group = await newGroup('AWS-Admins', [member]);
      await assign(sp, group.id);
      scim.groups.set('by-hand', { id: 'by-hand', displayName: 'AWS-Admins', members: [] });
      await cycle(jobPath);
      expect(groupWrites().map((r) => [r.method, r.path, r.body.Operations?.[0]?.path])).toEqual([
        ['PATCH', '/scim/v2/Groups/by-hand', 'externalId'],
        ['PATCH', '/scim/v2/Groups/by-hand', 'members'],
      ]);
    });

    it('a membership removed in Entra is PATCHed away in the next cycle; nothing else is sent', async () => {
      const { sp, jobPath } = await app({ assign: false });
      const [stays, leaves] = [await newUser('Stays'), await newUser('Leaves')];
      const group = await newGroup('AWS-Base', [stays, leaves]);
      await assign(sp, group.id);
      await cycle(jobPath);
      const leavesTarget = [...scim.users.values()].find((u) => u.userName === leaves.userPrincipalName).id;
      await graph('DELETE', `/groups/${group.id}/members/${leaves.id}/$ref`);
      scim.requests.length = 0;
      await cycle(jobPath);
      expect(groupWrites()).toEqual([{ method: 'PATCH', path: expect.stringContaining('/Groups/'), body: { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: leavesTarget }] }] } }]);
    });

    // Microsoft's AWS IAM Identity Center provisioning tutorial, just-in-time access: "Deactivation is done during the
    // regular incremental cycle. It isn't processed immediately through on-demand provisioning."
    it('does not remove a member who left the group when asked on demand; the next cycle does', async () => {
      const { sp, jobPath } = await app({ assign: false });
      const [stays, leaves] = [await newUser('Stays'), await newUser('Leaves')];
      const group = await newGroup('AWS-Admins', [stays, leaves]);
      await assign(sp, group.id);
      await cycle(jobPath);
      await graph('DELETE', `/groups/${group.id}/members/${leaves.id}/$ref`);
      scim.requests.length = 0;
      await groupOnDemand(jobPath, group.id, [leaves]);
      expect(groupWrites().filter((r) => r.body?.Operations?.some((o: any) => o.op === 'Remove'))).toEqual([]);
      await cycle(jobPath);
      expect(groupWrites().filter((r) => r.body?.Operations?.some((o: any) => o.op === 'Remove'))).toHaveLength(1);
    });

    it('adds members in PATCHes of at most 100', async () => {
      const { sp, jobPath } = await app({ assign: false });
      const members = [];
      for (let i = 0; i < 101; i++) members.push(await newUser(`M${i}`));
      const group = await newGroup('Large', members);
      await assign(sp, group.id);
      await cycle(jobPath);
      const patches = groupWrites().filter((r) => r.method === 'PATCH');
      expect(patches.map((p) => p.body.Operations[0].value.length)).toEqual([100, 1]);
    });

    it('provisions a group on demand with the members named (at most 5), and only those', async () => {
      const { sp, jobPath } = await app({ assign: false });
      const members = [await newUser('A'), await newUser('B'), await newUser('C')];
      const group = await newGroup('AWS-Base', members);
      await assign(sp, group.id);
      const answer = await groupOnDemand(jobPath, group.id, members.slice(0, 2));
      expect(verdict(answer.body)).toEqual({ result: 'Success', details: {} });
      expect(JSON.parse(answer.body.value)).toMatchObject({ action: 'Create', sourceIdentity: { id: group.id, type: 'Group' }, reportableIdentifier: 'AWS-Base' });
      expect(scim.users.size).toBe(2);
      const add = groupWrites().find((r) => r.method === 'PATCH')!;
      expect(add.body.Operations[0].value).toHaveLength(2);
      const six = [...members, await newUser('D'), await newUser('E'), await newUser('F')];
      expect((await groupOnDemand(jobPath, group.id, six)).status).toBe(400);
    });

    it('skips a group on demand that is not assigned to the app', async () => {
      const { jobPath } = await app({ assign: false });
      const group = await newGroup('Unassigned');
      expect(verdict((await groupOnDemand(jobPath, group.id, [])).body)).toMatchObject({ result: 'Skipped', details: { errorCode: 'NotEffectivelyEntitled' } });
    });

    it('answers the sixth on-demand request within 10 s with 429 and Retry-After', async () => {
      const { sp, jobPath } = await app({ assign: false });
      const group = await newGroup('Paced');
      await assign(sp, group.id);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await groupOnDemand(jobPath, group.id, [])).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const throttled = await fetch(`${entra.endpoint}/v1.0${jobPath}/provisionOnDemand`, {
        method: 'POST',
        headers: { authorization: `Bearer ${entra.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ parameters: [{ ruleId: '03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8', subjects: [{ objectId: group.id, objectTypeName: 'Group' }] }] }),
      });
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    // Graph privilegedaccessgroup-post-eligibilityschedulerequests, privilegedaccessgroup-post-assignmentschedulerequests,
    // unifiedRoleManagementPolicy and its rules (docs/jit-admin.md).
    describe('PIM for Groups', () => {
      const PIM = '/identityGovernance/privilegedAccess/group';
      const asUser = async (token: string, method: string, path: string, body?: unknown) => {
        const response = await fetch(`${entra.endpoint}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
      };
      // The user signs in through a public client with the JIT scopes consented (azure-cli issues 30149, 33778: az login's token cannot carry them).
      let clientId: string;
      beforeAll(async () => ({ appId: clientId } = await registerPublicClient(graph)));
      const userToken = (userPrincipalName: string, options: { mfa?: boolean; canProvision?: boolean } = {}) => entra.userToken(userPrincipalName, { clientId, ...options });
      const activation = (user: { id: string }, groupId: string, duration: string, justification?: string) => ({ accessId: 'member', principalId: user.id, groupId, action: 'selfActivate', scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration } }, justification });
      const policyOf = async (groupId: string) => {
        const [assignment] = (await graph('GET', `/policies/roleManagementPolicyAssignments?$filter=scopeType eq 'Group' and scopeId eq '${groupId}' and roleDefinitionId eq 'member'`)).body.value;
        return (await graph('GET', `/policies/roleManagementPolicies/${assignment.policyId}?$expand=*`)).body;
      };
      const eligible = async (user: { id: string }, groupId: string) =>
        graph('POST', `${PIM}/eligibilityScheduleRequests`, { accessId: 'member', principalId: user.id, groupId, action: 'adminAssign', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P30D' } } });
      const setMaximum = async (groupId: string, rules: unknown[]) => graph('PATCH', `/policies/roleManagementPolicies/${(await policyOf(groupId)).id}`, { rules });
      const pimEligibilities = async (groupId: string) => (await graph('GET', `${PIM}/eligibilitySchedules?$filter=groupId eq '${groupId}'`)).body.value;

      it('an eligibility is no membership; adminRemove ends it', async () => {
        const [user, group] = [await newUser('Eligible'), await newGroup('PIM-Admins')];
        const request = await eligible(user, group.id);
        expect(request).toMatchObject({ status: 201, body: { action: 'adminAssign', status: 'Provisioned', targetScheduleId: expect.stringMatching(new RegExp(`^${group.id}_member_[0-9a-f-]{36}$`)) } });
        expect((await graph('GET', `${PIM}/eligibilitySchedules/${request.body.targetScheduleId}`)).body).toMatchObject({ principalId: user.id, groupId: group.id, accessId: 'member' });
        expect((await graph('GET', `/groups/${group.id}/members`)).body.value).toEqual([]);
        const listed = (await graph('GET', `${PIM}/eligibilityScheduleRequests?$filter=groupId eq '${group.id}' and targetScheduleId eq '${request.body.targetScheduleId}'`)).body.value;
        expect(listed.map((r: any) => r.id)).toEqual([request.body.id]);
        expect((await graph('POST', `${PIM}/eligibilityScheduleRequests`, { accessId: 'member', principalId: user.id, groupId: group.id, action: 'adminRemove' })).body).toMatchObject({ status: 'Revoked' });
        expect((await graph('GET', `${PIM}/eligibilitySchedules/${request.body.targetScheduleId}`)).status).toBe(404);
      });

      it('refuses a permanent eligibility, or one longer than P365D, under the default policy; accepts it once the rule is relaxed', async () => {
        const [user, group] = [await newUser('Permanent'), await newGroup('PIM-Perm')];
        const request = (expiration: unknown) => ({ accessId: 'member', principalId: user.id, groupId: group.id, action: 'adminAssign', scheduleInfo: { startDateTime: new Date().toISOString(), expiration } });
        const permanent = request({ type: 'noExpiration' });
        const refused = { code: 'RoleAssignmentRequestPolicyValidationFailed', message: expect.stringContaining('ExpirationRule') };
        expect((await graph('POST', `${PIM}/eligibilityScheduleRequests`, permanent)).body.error).toMatchObject(refused);
        expect((await graph('POST', `${PIM}/eligibilityScheduleRequests`, { ...permanent, scheduleInfo: undefined })).body.error).toMatchObject(refused);
        expect((await graph('POST', `${PIM}/eligibilityScheduleRequests`, request({ type: 'afterDuration', duration: 'P366D' }))).body.error).toMatchObject(refused);
        expect((await graph('POST', `${PIM}/eligibilityScheduleRequests`, request({ type: 'afterDateTime', endDateTime: new Date(Date.now() + 400 * 86_400_000).toISOString() }))).body.error).toMatchObject(refused);
        expect(await pimEligibilities(group.id)).toEqual([]);
        // The refused requests onboarded the group: its policy is listed now.
        expect((await setMaximum(group.id, [{ id: 'Expiration_Admin_Eligibility', isExpirationRequired: false }])).status).toBe(204);
        expect((await graph('POST', `${PIM}/eligibilityScheduleRequests`, permanent)).status).toBe(201);
      });

      it('accepts an eligibility of exactly P365D under the default policy, and refuses a second adminAssign for it with RoleAssignmentExists (provider issue 1412)', async () => {
        const [user, group] = [await newUser('Yearly'), await newGroup('PIM-Year')];
        const assign = (justification: string) => graph('POST', `${PIM}/eligibilityScheduleRequests`, { accessId: 'member', principalId: user.id, groupId: group.id, action: 'adminAssign', justification, scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P365D' } } });
        expect((await assign('first')).status).toBe(201);
        expect(await assign('changed')).toEqual({ status: 400, body: { error: { code: 'RoleAssignmentExists', message: 'The Role assignment already exists.' } } });
      });

      it("lists a group's policy assignments only once the group is onboarded by its first schedule request; onboarding gives the policy a new id, and so does each change", async () => {
        const [user, group] = [await newUser('Onboarded'), await newGroup('PIM-Onboard')];
        const assignments = async (filter = `roleDefinitionId eq 'member'`) => (await graph('GET', `/policies/roleManagementPolicyAssignments?$filter=scopeType eq 'Group' and scopeId eq '${group.id}' and ${filter}`)).body.value;
        expect(await assignments()).toEqual([]);
        // Graph "List roleManagementPolicies": a group's policies, by scopeId and scopeType.
        const before = (await graph('GET', `/policies/roleManagementPolicies?$filter=scopeId eq '${group.id}' and scopeType eq 'Group'`)).body.value.map((p: any) => p.id);
        expect(before).toHaveLength(2);
        expect((await graph('GET', `/policies/roleManagementPolicies/${before[0]}?$expand=*`)).status).toBe(200);
        await eligible(user, group.id);
        const [assignment, ...more] = await assignments();
        expect(more).toEqual([]);
        expect(assignment).toMatchObject({ id: `${assignment.policyId}_member`, scopeId: group.id, scopeType: 'Group', roleDefinitionId: 'member', policyId: expect.stringMatching(new RegExp(`^Group_${group.id}_[0-9a-f-]{36}$`)) });
        expect(before).not.toContain(assignment.policyId);
        for (const id of before) expect((await graph('GET', `/policies/roleManagementPolicies/${id}?$expand=*`)).body.error).toMatchObject({ code: 'ResourceNotFound' });
        expect(await assignments(`policyId eq '${assignment.policyId}'`)).toEqual([assignment]);
        // policies.go (azuread v3.7.0), getPolicyId: "the policy ID changes with each modification".
        expect((await graph('PATCH', `/policies/roleManagementPolicies/${assignment.policyId}`, { rules: [{ id: 'Expiration_EndUser_Assignment', maximumDuration: 'PT1H' }] })).status).toBe(204);
        expect(await assignments(`policyId eq '${assignment.policyId}'`)).toEqual([]);
        const [changed] = await assignments();
        expect(changed.policyId).not.toBe(assignment.policyId);
        expect((await graph('GET', `/policies/roleManagementPolicies/${changed.policyId}?$expand=*`)).body.rules).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'Expiration_EndUser_Assignment', maximumDuration: 'PT1H' })]));
      });

      it('self-activation by the user: refused when too long, without justification or MFA, or for someone else; then a membership that expires', async () => {
        const [user, other, group] = [await newUser('Activates'), await newUser('Other'), await newGroup('PIM-Act')];
        await eligible(user, group.id);
        await setMaximum(group.id, [{ id: 'Expiration_EndUser_Assignment', maximumDuration: 'PT1H' }, { id: 'Enablement_EndUser_Assignment', enabledRules: ['Justification', 'MultiFactorAuthentication'] }]);
        const token = userToken(user.userPrincipalName);
        const refusal = async (body: unknown, as = token) => (await asUser(as, 'POST', `${PIM}/assignmentScheduleRequests`, body)).body.error;
        expect(await refusal(activation(user, group.id, 'PT1H30M', 'fix prod'))).toMatchObject({ code: 'RoleAssignmentRequestPolicyValidationFailed', message: expect.stringContaining('"ExpirationRule"') });
        expect(await refusal(activation(user, group.id, 'PT1H'))).toMatchObject({ message: expect.stringContaining('"JustificationRule"') });
        expect(await refusal(activation(user, group.id, 'PT1H', 'fix prod'), userToken(user.userPrincipalName, { mfa: false }))).toMatchObject({ message: expect.stringContaining('"MfaRule"') });
        expect(await refusal(activation(other, group.id, 'PT1H', 'not mine'))).toMatchObject({ code: 'Authorization_RequestDenied' });
        expect((await graph('POST', `${PIM}/assignmentScheduleRequests`, activation(user, group.id, 'PT1H', 'app token'))).status).toBe(403);
        expect((await graph('GET', `/groups/${group.id}/members`)).body.value).toEqual([]);
        const granted = await asUser(token, 'POST', `${PIM}/assignmentScheduleRequests`, activation(user, group.id, 'PT1H', 'fix prod'));
        expect(granted).toMatchObject({ status: 201, body: { status: 'Provisioned', action: 'selfActivate' } });
        expect((await graph('GET', `/groups/${group.id}/members`)).body.value.map((m: any) => m.id)).toEqual([user.id]);
        const instances = (await asUser(token, 'GET', `${PIM}/assignmentScheduleInstances?$filter=groupId eq '${group.id}' and principalId eq '${user.id}'`)).body.value;
        expect(instances).toEqual([expect.objectContaining({ accessId: 'member', principalId: user.id, groupId: group.id })]);
        expect((await graph('GET', `${PIM}/assignmentSchedules?$filter=groupId eq '${group.id}'`)).body.value).toEqual([expect.objectContaining({ principalId: user.id, assignmentType: 'activated' })]);
        // Microsoft Entra, "Assign eligibility for a group in PIM": an assignment can't be removed within five minutes of it being assigned.
        const tooSoon = await asUser(token, 'POST', `${PIM}/assignmentScheduleRequests`, { ...activation(user, group.id, 'PT1H'), action: 'selfDeactivate' });
        expect([tooSoon.status, tooSoon.body.error.code]).toEqual([400, 'ActiveDurationTooShort']);
        expect((await graph('GET', `/groups/${group.id}/members`)).body.value).toHaveLength(1);
        entra.holdActivationsFor(0);
        await asUser(token, 'POST', `${PIM}/assignmentScheduleRequests`, { ...activation(user, group.id, 'PT1H'), action: 'selfDeactivate' });
        entra.holdActivationsFor(5 * 60_000);
        expect((await graph('GET', `/groups/${group.id}/members`)).body.value).toEqual([]);
        // An activation ends by itself after its duration (here a few hundred milliseconds, allowed by the policy).
        expect((await asUser(token, 'POST', `${PIM}/assignmentScheduleRequests`, activation(user, group.id, 'PT0.3S', 'short'))).status).toBe(201);
        expect((await graph('GET', `/groups/${group.id}/members`)).body.value).toHaveLength(1);
        await waitFor(async () => ((await graph('GET', `/groups/${group.id}/members`)).body.value.length === 0 ? true : undefined), 'the activation to expire');
      });

      it('an activation that needs approval stays pending and grants nothing', async () => {
        const [user, group] = [await newUser('Approval'), await newGroup('PIM-Appr')];
        await eligible(user, group.id);
        await setMaximum(group.id, [{ id: 'Approval_EndUser_Assignment', setting: { isApprovalRequired: true, approvalStages: [{ primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: user.id }] }] } }]);
        const answer = await asUser(userToken(user.userPrincipalName), 'POST', `${PIM}/assignmentScheduleRequests`, activation(user, group.id, 'PT1H', 'please'));
        expect(answer.body).toMatchObject({ status: 'PendingApproval' });
        expect((await graph('GET', `/groups/${group.id}/members`)).body.value).toEqual([]);
      });

      it('the provisioning engine sees active membership, not eligibility: activation reaches the target at the next cycle and leaves it after expiry', async () => {
        const { sp, jobPath } = await app({ assign: false });
        const [user, group] = [await newUser('Cycled'), await newGroup('PIM-Cycle')];
        await assign(sp, group.id);
        await assign(sp, user.id);
        await eligible(user, group.id);
        await cycle(jobPath);
        const targetGroup = () => [...scim.groups.values()].find((g) => g.displayName === 'PIM-Cycle');
        expect(groupWrites().filter((r) => r.method === 'PATCH')).toEqual([]);
        // Two seconds: room for the cycle on a busy machine before the activation ends; then wait until it has.
        await asUser(userToken(user.userPrincipalName), 'POST', `${PIM}/assignmentScheduleRequests`, activation(user, group.id, 'PT2S', 'cycle'));
        scim.requests.length = 0;
        await cycle(jobPath);
        expect(groupWrites()).toEqual([expect.objectContaining({ method: 'PATCH', path: `/scim/v2/Groups/${targetGroup().id}`, body: expect.objectContaining({ Operations: [expect.objectContaining({ op: 'Add' })] }) })]);
        const members = async () => (await graph('GET', `/groups/${group.id}/members`)).body.value;
        for (const deadline = Date.now() + 10_000; (await members()).length && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await members()).toEqual([]);
        scim.requests.length = 0;
        await cycle(jobPath);
        expect(groupWrites()).toEqual([expect.objectContaining({ method: 'PATCH', body: expect.objectContaining({ Operations: [expect.objectContaining({ op: 'Remove' })] }) })]);
      });

      it('provisionOnDemand with a user token that lacks the permission is refused with 403', async () => {
        const { jobPath } = await app({ assign: false });
        const user = await newUser('NoRole');
        const answer = await asUser(userToken(user.userPrincipalName, { canProvision: false }), 'POST', `${jobPath}/provisionOnDemand`, { parameters: [] });
        expect(answer).toMatchObject({ status: 403, body: { error: { code: 'Authorization_RequestDenied' } } });
      });
    });
  });

  // Delegated tokens carry the scopes consented to the client they were asked through; Graph checks them on every call.
  describe('delegated scopes (oauth2PermissionGrants, the Microsoft Graph service principal)', () => {
    const PIM = '/identityGovernance/privilegedAccess/group';
    const as = async (token: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${entra.endpoint}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
    };
    const newUser = async () => {
      const name = `Scoped${Math.random().toString(36).slice(2, 8)}`;
      return (await graph('POST', '/users', { userPrincipalName: `${name}@contoso.onmicrosoft.com`, displayName: name, mailNickname: name, accountEnabled: true, passwordProfile: { password: 'x-Pa55word!' } })).body;
    };

    it('lists the Microsoft Graph service principal with its delegated scopes (the ids of the Graph permissions reference)', async () => {
      const [msgraph, ...more] = (await graph('GET', `/servicePrincipals?$filter=appId eq '${MICROSOFT_GRAPH_APP_ID}'`)).body.value;
      expect(more).toEqual([]);
      const scope = (value: string) => msgraph.oauth2PermissionScopes.find((s: any) => s.value === value);
      expect(scope('User.Read')).toMatchObject({ id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', type: 'User', isEnabled: true });
      expect(scope('PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup')).toMatchObject({ id: '06dbc45d-6708-4ef0-a797-f797ee68bf4b', type: 'Admin' });
      expect(scope('Synchronization.ReadWrite.All')).toMatchObject({ id: '7bb27fa3-ea8f-4d67-a916-87715b6188bd', type: 'Admin' });
      expect(scope('Synchronization.Read.All')).toMatchObject({ id: '7aa02aeb-824f-4fbe-a3f7-611f751f5b55', type: 'Admin' });
    });

    it('registers a public client, its service principal and an admin consent; a token through it carries exactly the consented scopes', async () => {
      const { appId, servicePrincipalId } = await registerPublicClient(graph);
      const app = (await graph('GET', `/applications?$filter=displayName eq '${(await graph('GET', `/servicePrincipals/${servicePrincipalId}`)).body.displayName}'`)).body.value[0];
      expect(app).toMatchObject({ appId, isFallbackPublicClient: true, publicClient: { redirectUris: ['http://localhost'] } });
      const grants = (await graph('GET', `/oauth2PermissionGrants?$filter=clientId eq '${servicePrincipalId}'`)).body.value;
      expect(grants).toEqual([expect.objectContaining({ consentType: 'AllPrincipals', principalId: null, scope: JIT_SCOPES.join(' ') })]);
      const user = await newUser();
      expect(entra.tokenScopes(entra.userToken(user.userPrincipalName, { clientId: appId })).sort()).toEqual([...JIT_SCOPES].sort());
      // Asking for a scope nobody consented to is refused at sign-in (AADSTS65001), not issued.
      expect(() => entra.userToken(user.userPrincipalName, { clientId: appId, scopes: ['Directory.ReadWrite.All'] })).toThrow(/AADSTS65001/);
    });

    it('refuses a PIM request, a synchronization call and /me without their scope, with 403 and the Graph error shape', async () => {
      const { appId } = await registerPublicClient(graph, JIT_SCOPES, ['User.Read']);
      const user = await newUser();
      const group = (await graph('POST', '/groups', { displayName: 'Scoped-Admins', mailEnabled: false, mailNickname: 'Scoped-Admins', securityEnabled: true })).body;
      const onlyUserRead = entra.userToken(user.userPrincipalName, { clientId: appId });
      const activation = { accessId: 'member', principalId: user.id, groupId: group.id, action: 'selfActivate', justification: 'x', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } } };
      const pim = await as(onlyUserRead, 'POST', `${PIM}/assignmentScheduleRequests`, activation);
      expect(pim.status).toBe(403);
      expect(pim.body.error.code).toBe('UnknownError');
      expect(JSON.parse(pim.body.error.message)).toMatchObject({ errorCode: 'PermissionScopeNotGranted', message: expect.stringContaining('missing permission scope PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup') });
      for (const path of [`${PIM}/assignmentScheduleInstances?$filter=groupId eq '${group.id}'`, `${PIM}/assignmentScheduleRequests?$filter=groupId eq '${group.id}'`, `${PIM}/eligibilitySchedules?$filter=groupId eq '${group.id}'`]) {
        expect((await as(onlyUserRead, 'GET', path)).status).toBe(403);
      }
      const { servicePrincipal } = (await graph('POST', '/applicationTemplates/21ed01d2-ec13-4e9e-86c1-cd546719ebc4/instantiate', { displayName: 'AWS scoped' })).body;
      const job = (await graph('POST', `/servicePrincipals/${servicePrincipal.id}/synchronization/jobs`, { templateId: 'aWSSingleSignon' })).body;
      for (const [method, path] of [['GET', `/servicePrincipals/${servicePrincipal.id}/synchronization/jobs`], ['GET', `/servicePrincipals/${servicePrincipal.id}/synchronization/jobs/${job.id}/schema`], ['POST', `/servicePrincipals/${servicePrincipal.id}/synchronization/jobs/${job.id}/provisionOnDemand`]]) {
        expect(await as(onlyUserRead, method, path, method === 'POST' ? { parameters: [] } : undefined)).toMatchObject({ status: 403, body: { error: { code: 'Authorization_RequestDenied' } } });
      }
      expect((await as(onlyUserRead, 'GET', '/me')).status).toBe(200);
      // Synchronization.Read.All reads jobs and the schema, not provisionOnDemand (Graph: Synchronization.ReadWrite.All only).
      const reader = entra.userToken(user.userPrincipalName, { clientId: (await registerPublicClient(graph, ['Synchronization.Read.All'])).appId });
      expect((await as(reader, 'GET', `/servicePrincipals/${servicePrincipal.id}/synchronization/jobs`)).status).toBe(200);
      expect((await as(reader, 'POST', `/servicePrincipals/${servicePrincipal.id}/synchronization/jobs/${job.id}/provisionOnDemand`, { parameters: [] })).status).toBe(403);
      expect((await as(reader, 'GET', '/me')).status).toBe(403);
      // az login's token (the Azure CLI's first-party client) cannot carry the PIM scope (azure-cli issues 30149, 33778).
      expect((await as(entra.userToken(user.userPrincipalName), 'POST', `${PIM}/assignmentScheduleRequests`, activation)).status).toBe(403);
    });
  });

  describe('federation metadata (the document Entra serves per app)', () => {
    const fixture = readFileSync(join(__dirname, '../fixtures/entra-federation-metadata.xml'), 'utf8');
    const children = (xml: string) => {
      const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
      return { root, shape: Array.from(root.childNodes).map((n: any) => `${n.namespaceURI}#${n.localName}${n.getAttributeNS(XSI, 'type') ? `[${n.getAttributeNS(XSI, 'type')}]` : ''}`) };
    };
    const expectedShape = [`${DSIG}#Signature`, `${MD}#RoleDescriptor[fed:SecurityTokenServiceType]`, `${MD}#RoleDescriptor[fed:ApplicationServiceType]`, `${MD}#IDPSSODescriptor`];

    it('is signed, has both WS-Federation role descriptors and an IdP descriptor with signing keys, logout and sign-on', async () => {
      const { sp } = await app();
      const key = (await graph('POST', `/servicePrincipals/${sp}/addTokenSigningCertificate`, { displayName: 'CN=AWS IAM Identity Center' })).body;
      await graph('PATCH', `/servicePrincipals/${sp}`, { preferredTokenSigningKeyThumbprint: key.thumbprint });
      const { appId } = (await graph('GET', `/servicePrincipals/${sp}`)).body;
      const xml = await (await fetch(`${entra.endpoint}/${entra.tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid=${appId}`)).text();
      const { root, shape } = children(xml);
      expect(root.namespaceURI).toBe(MD);
      expect(shape).toEqual(expectedShape);
      const idp = root.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0];
      expect(idp.getElementsByTagNameNS(MD, 'KeyDescriptor')[0].getAttribute('use')).toBe('signing');
      expect(idp.getElementsByTagNameNS(MD, 'SingleLogoutService')).toHaveLength(1);
      expect(Array.from(idp.getElementsByTagNameNS(MD, 'SingleSignOnService')).map((s) => s.getAttribute('Binding')!.split(':').pop())).toEqual(['HTTP-Redirect', 'HTTP-POST']);
      const verifier = new SignedXml({ publicCert: toPem(key.key) });
      verifier.loadSignature(root.getElementsByTagNameNS(DSIG, 'Signature')[0] as any);
      expect(verifier.checkSignature(xml)).toBe(true);
    });

    it("the fixture has the served document's shape", () => {
      expect(children(fixture).shape).toEqual(expectedShape);
    });

    it("the product's parser reads the fixture: entity id, sign-on URLs, and only the IdP descriptor's signing certificates", () => {
      const metadata = parseIdpMetadata(fixture);
      const { root } = children(fixture);
      const idpCertificates = Array.from(root.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0].getElementsByTagNameNS(DSIG, 'X509Certificate')).map((c) => c.textContent);
      expect(metadata).toEqual({
        entityId: 'https://sts.windows.net/0cd3fe15-4209-47ad-a618-c5b8f1aacb9f/',
        singleSignOnUrls: {
          'HTTP-Redirect': 'https://login.microsoftonline.com/0cd3fe15-4209-47ad-a618-c5b8f1aacb9f/saml2',
          'HTTP-POST': 'https://login.microsoftonline.com/0cd3fe15-4209-47ad-a618-c5b8f1aacb9f/saml2',
        },
        signingCertificates: idpCertificates,
      });
      expect(idpCertificates).toHaveLength(2);
    });

    it("the product's parser reads the same document with md: and ds: prefixes", () => {
      const prefixed = fixture
        .replace(/<(\/?)(EntityDescriptor|RoleDescriptor|IDPSSODescriptor|KeyDescriptor|SingleLogoutService|SingleSignOnService)\b/g, '<$1md:$2')
        .replace('xmlns="urn:oasis:names:tc:SAML:2.0:metadata"', 'xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"');
      expect(parseIdpMetadata(prefixed)).toEqual(parseIdpMetadata(fixture));
    });
  });
});

describe('npm run emulator', () => {
  it('serves the local Entra tenant beside the local AWS and prints the environment a Graph client needs', async () => {
    const child = spawn('npm', ['run', '--silent', 'emulator'], { cwd: resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const lines: string[] = [];
      const reader = createInterface({ input: child.stdout });
      await new Promise<void>((done) => reader.on('line', (line) => lines.push(line) === 4 && done()));
      const env = Object.fromEntries(lines.map((line) => line.split(/=(.*)/s).slice(0, 2)));
      expect(Object.keys(env)).toEqual(['AWS_ENDPOINT_URL', 'GRAPH_ENDPOINT', 'ENTRA_LOGIN_ENDPOINT', 'GRAPH_EMULATOR_TOKEN']);
      const organization = await fetch(`${env.GRAPH_ENDPOINT}/v1.0/organization`, { headers: { authorization: `Bearer ${env.GRAPH_EMULATOR_TOKEN}` } });
      expect(organization.status).toBe(200);
      expect((await fetch(`${env.GRAPH_ENDPOINT}/v1.0/organization`)).status).toBe(401);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
