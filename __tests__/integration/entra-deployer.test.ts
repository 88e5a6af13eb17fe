import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntraEmulator } from '../../local/emulators/entra';
import { EntraStackDeployer } from '../../local/rehearsal/entra-deployer';
import { defaultCredential, keyWithThumbprint } from '../../scripts/clients/graph';
import { graphRequests, GraphRequest } from '../support/entra-graph';
import { parsed, synthStack } from '../support/synth';

// The azuread part of the synthesized azure-id stack: the federation links and the AWS data sources
// they read need the AWS emulator and are covered by the rehearsal.
function azureadStack(change: (stack: any) => void = () => undefined): any {
  const stack = parsed(synthStack('azure-id'));
  // Only the federation links (the terraform_data with provisioners); an eligibility's trigger stays.
  for (const [name, resource] of Object.entries(stack.resource.terraform_data ?? {})) if ((resource as any).provisioner) delete stack.resource.terraform_data[name];
  for (const type of Object.keys(stack.data)) if (type.startsWith('aws_')) delete stack.data[type];
  change(stack);
  return stack;
}

const noProvisioner = async () => undefined;
// Written out from the Graph permission pages, not imported from the product.
const SCOPES = ['User.Read', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'Synchronization.ReadWrite.All'];

describe('Entra emulator and the stand-in for the azuread provider', () => {
  let entra: EntraEmulator;
  let graph: GraphRequest;

  beforeEach(async () => {
    entra = await EntraEmulator.start({ cycleMs: 60_000 });
    graph = graphRequests(entra);
  });
  afterEach(() => entra.stop());

  const instantiate = async () => (await graph('POST', '/applicationTemplates/21ed01d2-ec13-4e9e-86c1-cd546719ebc4/instantiate', { displayName: 'AWS test' })).body;

  it('instantiates the gallery app with the User and msiam_access roles, their values null', async () => {
    const { application, servicePrincipal } = await instantiate();
    for (const roles of [application.appRoles, servicePrincipal.appRoles]) {
      expect(roles.map((r: any) => [r.displayName, r.id, r.value])).toEqual([
        ['User', '8774f594-1d59-4279-b9d9-59ef09a23530', null],
        ['msiam_access', 'e7f1a7f3-9eda-48e0-9963-bd67bf531afd', null],
      ]);
    }
  });

  it('adds a token signing certificate as a Sign and a Verify key and a password, keyed by the base64 SHA-1 thumbprint', async () => {
    const { servicePrincipal } = await instantiate();
    const added = (await graph('POST', `/servicePrincipals/${servicePrincipal.id}/addTokenSigningCertificate`, { displayName: 'CN=AWS test' })).body;
    const thumbprint = createHash('sha1').update(new X509Certificate(Buffer.from(added.key, 'base64')).raw).digest('hex').toUpperCase();
    expect(added.thumbprint).toBe(thumbprint);
    const customKeyIdentifier = Buffer.from(thumbprint, 'hex').toString('base64');
    expect(added.customKeyIdentifier).toBe(customKeyIdentifier);
    const sp = (await graph('GET', `/servicePrincipals/${servicePrincipal.id}`)).body;
    expect(sp.keyCredentials.map((k: any) => [k.usage, k.customKeyIdentifier])).toEqual([
      ['Sign', customKeyIdentifier],
      ['Verify', customKeyIdentifier],
    ]);
    const [sign, verify] = sp.keyCredentials;
    expect(sign.keyId).toBe(added.keyId);
    expect(verify.keyId).not.toBe(added.keyId);
    expect(sp.passwordCredentials).toEqual([expect.objectContaining({ keyId: sign.keyId, customKeyIdentifier })]);
    expect(keyWithThumbprint(sp.keyCredentials, thumbprint)).toBe(sp.keyCredentials[1]);
  });

  it('refuses an identifier URI on an AWS host until the app is in SAML mode', async () => {
    const { application, servicePrincipal } = await instantiate();
    const identifier = { identifierUris: ['https://us-east-1.signin.aws.amazon.com/platform/saml/d-1234567890'] };
    const refused = await graph('PATCH', `/applications/${application.id}`, identifier);
    expect([refused.status, refused.body.error.code]).toEqual([400, 'HostNameNotOnVerifiedDomain']);
    await graph('PATCH', `/servicePrincipals/${servicePrincipal.id}`, { preferredSingleSignOnMode: 'saml' });
    expect((await graph('PATCH', `/applications/${application.id}`, identifier)).status).toBe(204);
  });

  it('refuses to delete a SAML app that still has an identifier on an unverified domain (provider issue #1388)', async () => {
    const { application, servicePrincipal } = await instantiate();
    await graph('PATCH', `/servicePrincipals/${servicePrincipal.id}`, { preferredSingleSignOnMode: 'saml' });
    await graph('PATCH', `/applications/${application.id}`, { identifierUris: ['https://us-east-1.signin.aws.amazon.com/platform/saml/d-1234567890'] });
    for (const path of [`/servicePrincipals/${servicePrincipal.id}`, `/applications/${application.id}`]) {
      const refused = await graph('DELETE', path);
      expect([refused.status, refused.body.error.code]).toEqual([400, 'DeletingSamlSpNotAllowed']);
    }
    await graph('PATCH', `/applications/${application.id}`, { identifierUris: [] });
    expect((await graph('DELETE', `/applications/${application.id}`)).status).toBe(204);
  });

  it('replaces a terraform_data whose triggers_replace changed, as Terraform does: destroy-time provisioner, then create-time', async () => {
    // The federation link's shape (constructs/federation-link.ts): the link runs pre-destroy and is keyed by the app;
    // post_apply runs post-apply and is keyed by everything post-apply reads.
    const stack = (app: string, users: string) => ({
      resource: {
        terraform_data: {
          link: { input: { app }, triggers_replace: { app }, provisioner: [{ 'local-exec': { when: 'destroy', command: 'pre-destroy', working_dir: '.' } }] },
          post_apply: { input: { app, users }, triggers_replace: { app, users }, provisioner: [{ 'local-exec': { command: 'post-apply', working_dir: '.' } }], depends_on: ['terraform_data.link'] },
        },
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
    const ran: string[] = [];
    const record = async (_address: string, provisioner: { command: string }) => void ran.push(provisioner.command);
    const apply = (app: string, users: string) => new EntraStackDeployer(stack(app, users), entra.endpoint, defaultCredential({ GRAPH_ENDPOINT: entra.endpoint, GRAPH_EMULATOR_TOKEN: entra.accessToken }), join(dir, 'state.json')).apply(record);
    await apply('app-1', 'NikkiWolf');
    expect(ran.splice(0)).toEqual(['post-apply']);
    await apply('app-1', 'NikkiWolf');
    expect(ran.splice(0)).toEqual([]);
    await apply('app-1', 'NikkiWolf,RichRoe');
    expect(ran.splice(0)).toEqual(['post-apply']);
    await apply('app-2', 'NikkiWolf,RichRoe');
    expect(ran.splice(0)).toEqual(['pre-destroy', 'post-apply']);
  });

  describe('the stand-in, with the synthesized stack', () => {
    const deployer = (stack: any, dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'))) =>
      new EntraStackDeployer(stack, entra.endpoint, defaultCredential({ GRAPH_ENDPOINT: entra.endpoint, GRAPH_EMULATOR_TOKEN: entra.accessToken }), join(dir, 'state.json'));

    it('applies, plans no change, and destroys everything', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
      const standIn = deployer(azureadStack(), dir);
      const applied = await standIn.apply(noProvisioner);
      expect(applied.drift).toEqual([]);
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
      const assignments = Object.entries(state).filter(([address]) => address.startsWith('azuread_app_role_assignment.')).map(([, known]: [string, any]) => known.app_role_id);
      // Two users and two groups on each of the two apps, all with the User role.
      expect(assignments).toEqual(Array(8).fill('8774f594-1d59-4279-b9d9-59ef09a23530'));
      // The certificate is tracked by its Verify key, as the provider does.
      const certificates = Object.entries(state).filter(([address]) => address.startsWith('azuread_service_principal_token_signing_certificate.')).map(([, known]) => known as any);
      for (const certificate of certificates) {
        const sp = (await graph('GET', `/servicePrincipals/${certificate.service_principal_id.split('/').pop()}`)).body;
        expect(sp.keyCredentials.find((k: any) => k.keyId === certificate.key_id)?.usage).toBe('Verify');
      }
      expect((await deployer(azureadStack(), dir).apply(noProvisioner)).created).toBe(0);
      await standIn.destroy(noProvisioner);
      expect(entra.leftovers()).toBe(0);
    });

    it('creates the groups as security groups with their members, assigns them to both apps, and plans no change after', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
      const applied = await deployer(azureadStack(), dir).apply(noProvisioner);
      expect(applied.drift).toEqual([]);
      const groups = (await graph('GET', '/groups')).body.value.sort((a: any, b: any) => b.displayName.localeCompare(a.displayName));
      expect(groups.map((g: any) => [g.displayName, g.securityEnabled, g.mailEnabled, /^[0-9a-f]{8}-[0-9a-f]$/.test(g.mailNickname)])).toEqual([
        ['AWS-Base', true, false, true],
        ['AWS-Admins', true, false, true],
      ]);
      const members = async (id: string) => (await graph('GET', `/groups/${id}/members`)).body.value.map((m: any) => m.userPrincipalName.split('@')[0]);
      expect(await members(groups[0].id)).toEqual(['NikkiWolf', 'RichRoe']);
      // AWS-Admins has no standing member: NikkiWolf is eligible through PIM (docs/jit-admin.md).
      expect(await members(groups[1].id)).toEqual([]);
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
      const groupAssignments = Object.entries(state).filter(([address]) => /^azuread_app_role_assignment\..*assign_group_/.test(address));
      expect(groupAssignments).toHaveLength(4);
      for (const [, known] of groupAssignments as [string, any][]) {
        const principals = (await graph('GET', `/servicePrincipals/${known.resource_object_id}/appRoleAssignedTo`)).body.value.map((a: any) => a.principalId);
        expect(principals).toEqual(expect.arrayContaining(groups.map((g: any) => g.id)));
      }
      expect((await deployer(azureadStack(), dir).apply(noProvisioner)).created).toBe(0);
    });

    it('plans to re-add a membership removed outside Terraform, and destroys groups and memberships', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
      await deployer(azureadStack(), dir).apply(noProvisioner);
      const [base] = (await graph('GET', `/groups?$filter=displayName eq 'AWS-Base'`)).body.value;
      const [rich] = (await graph('GET', '/users')).body.value.filter((u: any) => u.userPrincipalName.startsWith('RichRoe@'));
      expect((await graph('DELETE', `/groups/${base.id}/members/${rich.id}/$ref`)).status).toBe(204);
      const again = await deployer(azureadStack(), dir).apply(noProvisioner);
      expect(again.created).toBe(1);
      expect(again.drift).toEqual([]);
      await deployer(azureadStack(), dir).destroy(noProvisioner);
      expect(entra.leftovers()).toBe(0);
    });

    it('creates AWS-Admins role-assignable, makes NikkiWolf eligible for P365D by adminAssign, which onboards the group, then adopts and sets its member policy, plans no change, and ends the eligibility by adminRemove on destroy', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
      const applied = await deployer(azureadStack(), dir).apply(noProvisioner);
      expect(applied.drift).toEqual([]);
      const [admins] = (await graph('GET', `/groups?$filter=displayName eq 'AWS-Admins'`)).body.value;
      const [base] = (await graph('GET', `/groups?$filter=displayName eq 'AWS-Base'`)).body.value;
      expect([admins.isAssignableToRole, base.isAssignableToRole]).toEqual([true, false]);
      const [nikki] = (await graph('GET', '/users')).body.value.filter((u: any) => u.userPrincipalName.startsWith('NikkiWolf@'));
      const pim = '/identityGovernance/privilegedAccess/group';
      const [schedule, ...more] = (await graph('GET', `${pim}/eligibilitySchedules?$filter=groupId eq '${admins.id}'`)).body.value;
      expect(more).toEqual([]);
      expect(schedule).toMatchObject({ principalId: nikki.id, accessId: 'member', scheduleInfo: { expiration: { type: 'afterDuration', duration: 'P365D' } } });
      const [assignment] = (await graph('GET', `/policies/roleManagementPolicyAssignments?$filter=scopeType eq 'Group' and scopeId eq '${admins.id}' and roleDefinitionId eq 'member'`)).body.value;
      const rules = (await graph('GET', `/policies/roleManagementPolicies/${assignment.policyId}?$expand=*`)).body.rules;
      const rule = (id: string) => rules.find((r: any) => r.id === id);
      expect(rule('Expiration_EndUser_Assignment').maximumDuration).toBe('PT2H');
      expect(rule('Enablement_EndUser_Assignment').enabledRules).toEqual(['MultiFactorAuthentication', 'Justification']);
      expect(rule('Approval_EndUser_Assignment').setting.isApprovalRequired).toBe(false);
      expect(rule('Expiration_Admin_Eligibility')).toMatchObject({ isExpirationRequired: true, maximumDuration: 'P365D' });
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
      // The policy's id changed when it was modified; the state holds the one the provider read again after the PATCH.
      const [policyState] = Object.entries(state).filter(([address]) => address.startsWith('azuread_group_role_management_policy.')).map(([, known]: [string, any]) => known);
      expect(policyState.id).toBe(assignment.policyId);
      const [scheduleId] = Object.entries(state).filter(([address]) => address.startsWith('azuread_privileged_access_group_eligibility_schedule.')).map(([, known]: [string, any]) => known.id);
      expect(scheduleId).toBe(schedule.id);
      expect((await deployer(azureadStack(), dir).apply(noProvisioner)).created).toBe(0);
      await deployer(azureadStack(), dir).destroy(noProvisioner);
      expect((await graph('GET', `${pim}/eligibilityScheduleRequests?$filter=principalId eq '${nikki.id}'`)).body.value.map((r: any) => r.action)).toEqual(['adminRemove', 'adminAssign']);
      expect(entra.leftovers()).toBe(0);
    });

    it('registers the JIT public client with its consent: a sign-in through it carries exactly the three scopes and nothing more is allowed', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
      const applied = await deployer(azureadStack(), dir).apply(noProvisioner);
      expect(applied.drift).toEqual([]);
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
      const [[, app]] = Object.entries(state).filter(([address]) => /^azuread_application\..*jit/.test(address)) as [string, any][];
      const registered = (await graph('GET', `/applications/${app.object_id}`)).body;
      expect(registered).toMatchObject({ isFallbackPublicClient: true, publicClient: { redirectUris: ['http://localhost'] } });
      const [msgraph] = (await graph('GET', `/servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'`)).body.value;
      const ids = Object.fromEntries(msgraph.oauth2PermissionScopes.map((s: any) => [s.value, s.id]));
      expect(registered.requiredResourceAccess).toEqual([{ resourceAppId: '00000003-0000-0000-c000-000000000000', resourceAccess: SCOPES.map((s) => ({ id: ids[s], type: 'Scope' })) }]);
      const [sp] = (await graph('GET', `/servicePrincipals?$filter=appId eq '${registered.appId}'`)).body.value;
      expect((await graph('GET', `/oauth2PermissionGrants?$filter=clientId eq '${sp.id}'`)).body.value).toEqual([expect.objectContaining({ consentType: 'AllPrincipals', resourceId: msgraph.id, scope: SCOPES.join(' ') })]);
      const [nikki] = (await graph('GET', '/users')).body.value.filter((u: any) => u.userPrincipalName.startsWith('NikkiWolf@'));
      const token = entra.userToken(nikki.userPrincipalName, { clientId: registered.appId });
      expect(entra.tokenScopes(token).sort()).toEqual([...SCOPES].sort());
      // Outside the grant: reading eligibilities (PrivilegedEligibilitySchedule.*) is refused.
      const [admins] = (await graph('GET', `/groups?$filter=displayName eq 'AWS-Admins'`)).body.value;
      const outside = await fetch(`${entra.endpoint}/v1.0/identityGovernance/privilegedAccess/group/eligibilitySchedules?$filter=groupId eq '${admins.id}'`, { headers: { authorization: `Bearer ${token}` } });
      expect(outside.status).toBe(403);
      expect((await deployer(azureadStack(), dir).apply(noProvisioner)).created).toBe(0);
      await deployer(azureadStack(), dir).destroy(noProvisioner);
      expect(entra.leftovers()).toBe(0);
    });

    describe('PIM for Groups: the order, the policy and eligibility changes (provider issues 1769, 1412)', () => {
      const pim = '/identityGovernance/privilegedAccess/group';
      const eligibilityOf = (stack: any) => Object.values(stack.resource.azuread_privileged_access_group_eligibility_schedule)[0] as any;
      const policyOf = (stack: any) => Object.values(stack.resource.azuread_group_role_management_policy)[0] as any;
      const triggerOf = (stack: any) => stack.resource.terraform_data[eligibilityOf(stack).lifecycle.replace_triggered_by[0].replace(/^\$\{|\}$/g, '').split('.')[1]];
      const requestsFor = async (principalId: string) => (await graph('GET', `${pim}/eligibilityScheduleRequests?$filter=principalId eq '${principalId}'`)).body.value.map((r: any) => r.action).reverse();
      const nikkiId = async () => (await graph('GET', '/users')).body.value.find((u: any) => u.userPrincipalName.startsWith('NikkiWolf@')).id;

      it('adopting the policy before any eligibility fails as the provider does: the group is not onboarded, so it has no policy assignment (expected 1, got 0)', async () => {
        const reversed = azureadStack((s) => {
          const policyAddress = `azuread_group_role_management_policy.${Object.keys(s.resource.azuread_group_role_management_policy)[0]}`;
          delete policyOf(s).depends_on;
          eligibilityOf(s).depends_on = [policyAddress];
        });
        await expect(deployer(reversed).apply(noProvisioner)).rejects.toThrow(/got the wrong number of policy assignments: expected 1, got 0/);
      });

      it('a changed justification or duration replaces the eligibility (adminRemove, then adminAssign), never an in-place adminAssign', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
        await deployer(azureadStack(), dir).apply(noProvisioner);
        const changed = (justification: string, duration: string) =>
          azureadStack((s) => {
            Object.assign(eligibilityOf(s), { justification, duration });
            Object.assign(triggerOf(s).input, { justification, duration });
          });
        const again = await deployer(changed('Renewed by the security team', 'P180D'), dir).apply(noProvisioner);
        expect(again.drift).toEqual([]);
        const nikki = await nikkiId();
        expect(await requestsFor(nikki)).toEqual(['adminAssign', 'adminRemove', 'adminAssign']);
        const [schedule] = (await graph('GET', `${pim}/eligibilitySchedules?$filter=principalId eq '${nikki}'`)).body.value;
        expect(schedule.scheduleInfo.expiration).toMatchObject({ type: 'afterDuration', duration: 'P180D' });
        const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
        const [known] = Object.entries(state).filter(([address]) => address.startsWith('azuread_privileged_access_group_eligibility_schedule.')).map(([, k]: [string, any]) => k);
        expect(known.id).toBe(schedule.id);
        expect((await deployer(changed('Renewed by the security team', 'P180D'), dir).apply(noProvisioner)).created).toBe(0);
        await deployer(changed('Renewed by the security team', 'P180D'), dir).destroy(noProvisioner);
        expect(entra.leftovers()).toBe(0);
      });

      it('without replace_triggered_by the change is an in-place update, which sends another adminAssign and gets RoleAssignmentExists (provider issue 1412)', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
        await deployer(azureadStack(), dir).apply(noProvisioner);
        const updated = azureadStack((s) => {
          delete eligibilityOf(s).lifecycle;
          eligibilityOf(s).justification = 'Changed in place';
        });
        await expect(deployer(updated, dir).apply(noProvisioner)).rejects.toThrow(/creating updated eligibility schedule request: .*RoleAssignmentExists/);
        expect(await requestsFor(await nikkiId())).toEqual(['adminAssign']);
      });

      it('a changed policy setting PATCHes only its rule, with the stored id, and keeps the id the provider reads again after it; Read filters the assignments by that id', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'entra-deployer-'));
        await deployer(azureadStack(), dir).apply(noProvisioner);
        const patches: any[] = [];
        entra.faults.arm({ kind: 'observe', count: 100, matches: (r) => (r.method === 'PATCH' && r.operation.includes('roleManagementPolicies') && patches.push({ url: r.url, body: JSON.parse(r.body.toString()) }), false), answer: { status: 500, body: {} } });
        const stateOf = () => Object.entries(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))).find(([address]) => address.startsWith('azuread_group_role_management_policy.'))![1] as any;
        const before = stateOf().id;
        const longer = () => azureadStack((s) => (policyOf(s).activation_rules.maximum_duration = 'PT4H'));
        const again = await deployer(longer(), dir).apply(noProvisioner);
        expect(again.drift).toEqual([]);
        expect(patches).toHaveLength(1);
        expect(patches[0].url).toContain(encodeURIComponent(before).replace(/%5F/g, '_'));
        expect(patches[0].body.rules.map((r: any) => [r.id, r.maximumDuration])).toEqual([['Expiration_EndUser_Assignment', 'PT4H']]);
        expect(stateOf().id).not.toBe(before);
        const [admins] = (await graph('GET', `/groups?$filter=displayName eq 'AWS-Admins'`)).body.value;
        const assignments = (await graph('GET', `/policies/roleManagementPolicyAssignments?$filter=scopeType eq 'Group' and scopeId eq '${admins.id}' and policyId eq '${stateOf().id}'`)).body.value;
        expect(assignments).toHaveLength(1);
        expect((await deployer(longer(), dir).apply(noProvisioner)).created).toBe(0);
        expect(patches).toHaveLength(1);
      });
    });

    it('reports the drift the provider would plan when the application does not ignore its template roles', async () => {
      const stack = azureadStack((s) => Object.values(s.resource.azuread_application).forEach((app: any) => app.lifecycle && (app.lifecycle.ignore_changes = ['identifier_uris', 'web'])));
      const applied = await deployer(stack).apply(noProvisioner);
      expect(applied.drift).toEqual([expect.stringMatching(/^azuread_application\.aws-commercial\w+: app_role$/), expect.stringMatching(/^azuread_application\.aws-govcloud\w+: app_role$/)]);
    });
  });
});
