import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import { AzureadProvider } from '@cdktf/provider-azuread/lib/provider';
import { Application } from '@cdktf/provider-azuread/lib/application';
import { ServicePrincipal } from '@cdktf/provider-azuread/lib/service-principal';
import { ServicePrincipalTokenSigningCertificate } from '@cdktf/provider-azuread/lib/service-principal-token-signing-certificate';
import { ServicePrincipalClaimsMappingPolicyAssignment } from '@cdktf/provider-azuread/lib/service-principal-claims-mapping-policy-assignment';
import { User } from '@cdktf/provider-azuread/lib/user';
import { Group } from '@cdktf/provider-azuread/lib/group';
import { GroupMember } from '@cdktf/provider-azuread/lib/group-member';
import { ApplicationIdentifierUri } from '@cdktf/provider-azuread/lib/application-identifier-uri';
import { ApplicationRedirectUris } from '@cdktf/provider-azuread/lib/application-redirect-uris';
import { DataAzureadApplicationTemplate } from '@cdktf/provider-azuread/lib/data-azuread-application-template';
import { DataAzureadDomains } from '@cdktf/provider-azuread/lib/data-azuread-domains';
import { DataResource } from 'cdktf';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { loadFederationContext } from '../../app-config/context';
import { buildApp } from '../../main';
import { NOT_PURE_TERRAFORM_LABEL } from '../../constructs/federation-link';
import { POST_APPLY_STEPS, PRE_DESTROY_STEPS } from '../../app-model/steps';
import { parsed, synthStack, withEnv } from '../support/synth';
import { rawConfig } from '../../config';

const stack = synthStack('azure-id');
const json = parsed(stack);
const context = JSON.parse(readFileSync(resolve(__dirname, '../../federation.context.json'), 'utf8'));
const byType = (type: string): Record<string, any> => json.resource[type] ?? {};
const only = (type: string, nameFragment: string) => Object.entries(byType(type)).filter(([id]) => id.includes(nameFragment)).map(([, r]) => r);

describe('azure-id stack', () => {
  it('uses the azuread provider with credentials from outside', () => {
    expect(stack).toHaveProviderWithProperties(AzureadProvider, { environment: 'global' });
    expect(json.provider.azuread[0]).not.toHaveProperty('client_secret');
  });

  it('reads the gallery template from the tenant, and the domain from the context file only (the AWS stacks use the same)', () => {
    expect(stack).toHaveDataSourceWithProperties(DataAzureadApplicationTemplate, {
      display_name: 'AWS IAM Identity Center (successor to AWS Single Sign-On)',
    });
    expect(json.data).not.toHaveProperty(DataAzureadDomains.tfResourceType);
  });

  it('creates NikkiWolf and RichRoe on the default domain with their department, and no password in the code', () => {
    for (const [userName, displayName, department] of [
      ['NikkiWolf', 'Nikki Wolf', 'Operations'],
      ['RichRoe', 'Richard Roe', 'Engineering'],
    ]) {
      expect(stack).toHaveResourceWithProperties(User, {
        user_principal_name: `${userName}@${loadFederationContext().entra.defaultDomain}`,
        display_name: displayName,
        department,
        force_password_change: true,
      });
    }
    expect(Object.keys(byType(User.tfResourceType))).toHaveLength(2);
  });

  it('gives each user a random initial password from uuid(), meeting the Entra policy, that later plans ignore', () => {
    // Microsoft Entra password policy (concept-sspr-policy): 8–256 characters, three of lower, upper, digit, symbol.
    for (const user of Object.values(byType(User.tfResourceType))) {
      expect(user.password).toMatch(/^\$\{uuid\(\)\}(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^\w]).+$/);
      expect(user.lifecycle.ignore_changes).toContain('password');
    }
  });

  it('creates each config group as a security group, not mail-enabled, with its description and no authoritative members', () => {
    const groups = Object.values(byType(Group.tfResourceType));
    expect(groups).toHaveLength(2);
    expect(groups).toEqual(
      expect.arrayContaining([
        { display_name: 'AWS-Base', description: 'Everyone who signs in to AWS: view-only access', security_enabled: true, mail_enabled: false },
        // The privileged group is role-assignable (see the just-in-time admin tests below).
        { display_name: 'AWS-Admins', description: 'Administrators of the AWS accounts, by just-in-time activation (PIM)', security_enabled: true, mail_enabled: false, assignable_to_role: true },
      ]),
    );
  });

  it('adds each direct member as its own azuread_group_member, keyed by group and user name', () => {
    const members = Object.entries(byType(GroupMember.tfResourceType)).map(([id, m]: [string, any]) => [id.replace(/_[0-9A-F]{8}$/, ''), m.group_object_id.split('.')[1].replace(/_[0-9A-F]{8}$/, ''), m.member_object_id.split('.')[1].replace(/_[0-9A-F]{8}$/, '')]);
    expect(members.sort()).toEqual([
      ['group_AWS-Base_member_NikkiWolf', 'group_AWS-Base_group', 'NikkiWolf_user'],
      ['group_AWS-Base_member_RichRoe', 'group_AWS-Base_group', 'RichRoe_user'],
    ]);
  });

  it('uses no provider but aws, azurerm and azuread, in any stack (the user allowed only those)', () => {
    for (const name of ['azure-id', ...INSTANCE_NAMES]) {
      const synthesized = parsed(synthStack(name));
      expect(Object.keys(synthesized.provider).filter((p) => !['aws', 'azurerm', 'azuread'].includes(p))).toEqual([]);
      expect(Object.keys(synthesized.terraform.required_providers).filter((p) => !['aws', 'azurerm', 'azuread'].includes(p))).toEqual([]);
    }
  });

  describe.each(INSTANCE_NAMES)('for %s', (instance) => {
    const saml = context.instances[instance];

    it('instantiates the gallery app with the SAML values of guide step 3.1', () => {
      const [application] = only(Application.tfResourceType, instance);
      expect(application).toMatchObject({
        display_name: `AWS IAM Identity Center (${instance})`,
        template_id: '${data.azuread_application_template.gallery_template.template_id}',
      });
      const [servicePrincipal] = only(ServicePrincipal.tfResourceType, instance);
      expect(servicePrincipal).toMatchObject({
        use_existing: true,
        preferred_single_sign_on_mode: 'saml',
        login_url: saml.accessPortalUrl,
        app_role_assignment_required: true,
      });
    });

    it('keeps the roles the template gives the application (a later plan would remove them)', () => {
      const [application] = only(Application.tfResourceType, instance);
      expect(application).not.toHaveProperty('app_role');
      expect(application.lifecycle?.ignore_changes).toContain('app_role');
    });

    it('sets the identifier and reply URL only once the service principal is in SAML mode', () => {
      const [application] = only(Application.tfResourceType, instance);
      expect(application).not.toHaveProperty('identifier_uris');
      expect(application).not.toHaveProperty('web');
      expect(application.lifecycle?.ignore_changes).toEqual(expect.arrayContaining(['identifier_uris', 'web']));
      const [spAddress] = Object.keys(byType(ServicePrincipal.tfResourceType)).filter((id) => id.includes(instance)).map((id) => `${ServicePrincipal.tfResourceType}.${id}`);
      const [identifierUri] = only(ApplicationIdentifierUri.tfResourceType, instance);
      expect(identifierUri).toMatchObject({ identifier_uri: saml.issuer, application_id: expect.stringMatching(/^\$\{azuread_application\.[\w-]+\.id\}$/) });
      expect(identifierUri.depends_on).toContain(spAddress);
      const [redirectUris] = only(ApplicationRedirectUris.tfResourceType, instance);
      expect(redirectUris).toMatchObject({ type: 'Web', redirect_uris: [saml.acsUrl], application_id: identifierUri.application_id });
      expect(redirectUris.depends_on).toContain(spAddress);
    });

    it('has a token signing certificate and the ABAC Department claim from user.department', () => {
      expect(only(ServicePrincipalTokenSigningCertificate.tfResourceType, instance)).toHaveLength(1);
      const [policy] = only('azuread_claims_mapping_policy', instance);
      expect(JSON.parse(policy.definition[0])).toEqual({
        ClaimsMappingPolicy: {
          Version: 1,
          IncludeBasicClaimSet: 'true',
          ClaimsSchema: [
            // The policy replaces the portal's claims: NameID must be mapped explicitly (Graph concept page
            // application-saml-sso-configure-api.md; claimsmappingpolicy-post-claimsmappingpolicies.md example).
            { Source: 'user', ID: 'userprincipalname', SamlClaimType: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier' },
            { Source: 'user', ID: 'department', SamlClaimType: 'https://aws.amazon.com/SAML/Attributes/AccessControl:Department' },
          ],
        },
      });
      expect(only(ServicePrincipalClaimsMappingPolicyAssignment.tfResourceType, instance)).toHaveLength(1);
    });

    it('assigns NikkiWolf, RichRoe and both groups to the app role User, picked by display name from the service principal', () => {
      const assignments = only('azuread_app_role_assignment', instance);
      expect(assignments.map((a) => a.principal_object_id).sort()).toEqual([
        expect.stringMatching(/^\$\{azuread_group\.group_AWS-Admins_group_\w+\.object_id\}$/),
        expect.stringMatching(/^\$\{azuread_group\.group_AWS-Base_group_\w+\.object_id\}$/),
        expect.stringMatching(/^\$\{azuread_user\.NikkiWolf_user_\w+\.object_id\}$/),
        expect.stringMatching(/^\$\{azuread_user\.RichRoe_user_\w+\.object_id\}$/),
      ]);
      // The template's roles have no value, so app_role_ids has no "User" key (provider FlattenAppRoleIDs).
      for (const assignment of assignments) {
        expect(assignment.app_role_id).not.toContain('app_role_ids');
        expect(assignment.app_role_id).toMatch(/^\$\{one\(\[ ?for \w+, (\w+) in (?:toset\()?azuread_service_principal\.[\w-]+\.app_roles\)? ?: \1\.id if \1\.display_name == "User"\]\)\}$/);
      }
    });

    it('reads the AWS side through an aliased provider for that partition', () => {
      const provider = json.provider.aws.find((p: any) => p.alias === instance);
      expect(provider).toMatchObject({ profile: instance, region: instance === 'aws-govcloud' ? 'us-gov-west-1' : 'us-east-1' });
      const [instances] = only('aws_ssoadmin_instances', instance).concat(Object.entries(json.data.aws_ssoadmin_instances).filter(([id]) => id.includes(instance)).map(([, d]) => d));
      expect(instances.provider).toBe(`aws.${instance}`);
    });

    it('links the two sides with labelled terraform_data that run the scripts after apply and before destroy', () => {
      const links = Object.entries(byType(DataResource.tfResourceType)).filter(([id]) => id.startsWith(instance));
      const [[linkId, link], [, postApply]] = ['_link_', '_post_apply_'].map((part) => links.find(([id]) => id.includes(part))! as [string, any]);
      for (const resource of [link, postApply]) {
        expect(resource.input).toMatchObject({
          label: NOT_PURE_TERRAFORM_LABEL,
          postApplySteps: POST_APPLY_STEPS.map((s) => s.label),
          preDestroySteps: PRE_DESTROY_STEPS.map((s) => s.label),
          instance,
          awsProfile: instance,
          instanceArn: expect.stringMatching(new RegExp(`^\\$\\{element\\(data\\.aws_ssoadmin_instances\\.${instance}_instance_instances_\\w+\\.arns, 0\\)\\}$`)),
          identityStoreId: expect.stringContaining('identity_store_ids'),
          tenantId: '${data.azuread_client_config.tenant.tenant_id}',
          servicePrincipalId: expect.stringMatching(/^\$\{azuread_service_principal\.[\w-]+\.object_id\}$/),
          signingCertificateThumbprint: expect.stringMatching(/\.thumbprint\}$/),
          scimUsers: [expect.objectContaining({ userName: 'RichRoe' })],
          samlUsers: [expect.objectContaining({ userName: 'NikkiWolf' })],
          groups: [
            { displayName: 'AWS-Base', objectId: expect.stringMatching(/^\$\{azuread_group\.group_AWS-Base_\w+\.object_id\}$/), members: [expect.objectContaining({ userName: 'NikkiWolf' }), expect.objectContaining({ userName: 'RichRoe' })] },
            // Its members are eligible, not standing (docs/jit-admin.md): Entra adds them only while activated.
            { displayName: 'AWS-Admins', objectId: expect.stringMatching(/^\$\{azuread_group\.group_AWS-Admins_\w+\.object_id\}$/), members: [] },
          ],
        });
      }
      const environment = { FEDERATION_INPUT: '${jsonencode(self.input)}' };
      // Only a new instance or app replaces the link, and only replacing the link runs pre-destroy.
      expect(link.triggers_replace).toEqual({ instanceArn: link.input.instanceArn, servicePrincipalId: link.input.servicePrincipalId });
      expect(link.provisioner).toEqual([{ 'local-exec': { command: `npm run --silent federation -- pre-destroy --instance ${instance}`, environment, working_dir: expect.any(String), when: 'destroy' } }]);
      // A new certificate (and so new metadata) or other users re-run post-apply, and undo nothing.
      const { label, postApplySteps, preDestroySteps, ...values } = postApply.input;
      expect(postApply.triggers_replace).toEqual(values);
      expect(postApply.triggers_replace).toMatchObject({ signingCertificateThumbprint: values.signingCertificateThumbprint, scimUsers: values.scimUsers, samlUsers: values.samlUsers, groups: values.groups });
      expect(postApply.provisioner).toEqual([{ 'local-exec': { command: `npm run --silent federation -- post-apply --instance ${instance}`, environment, working_dir: expect.any(String) } }]);
      expect(postApply.depends_on).toEqual([`${DataResource.tfResourceType}.${linkId}`]);
      // Nothing secret travels to the scripts through Terraform (the labels may name the SCIM token).
      expect(JSON.stringify({ values, provisioner: [link.provisioner, postApply.provisioner] })).not.toMatch(/password|secret|bearer|random_/i);
    });
  });
});

describe('azure-id just-in-time admin (PIM for Groups)', () => {
  const admins = /^\$\{azuread_group\.group_AWS-Admins_group_\w+\.object_id\}$/;

  it('makes NikkiWolf an eligible member of AWS-Admins for the configured duration (P365D), not a direct member', () => {
    const schedules = Object.values(byType('azuread_privileged_access_group_eligibility_schedule'));
    expect(schedules).toEqual([
      expect.objectContaining({ group_id: expect.stringMatching(admins), principal_id: expect.stringMatching(/^\$\{azuread_user\.NikkiWolf_user_\w+\.object_id\}$/), assignment_type: 'member', duration: 'P365D' }),
    ]);
    expect(schedules[0]).not.toHaveProperty('permanent_assignment');
    const memberships = Object.values(byType(GroupMember.tfResourceType)).filter((m: any) => admins.test(m.group_object_id));
    expect(memberships).toEqual([]);
  });

  it('creates the privileged group role-assignable (only Privileged Role Administrators and its owners manage it), and AWS-Base not', () => {
    const groups = Object.entries(byType(Group.tfResourceType));
    const [[, adminsGroup]] = groups.filter(([id]) => id.startsWith('group_AWS-Admins_'));
    const [[, base]] = groups.filter(([id]) => id.startsWith('group_AWS-Base_'));
    expect(adminsGroup).toMatchObject({ assignable_to_role: true, security_enabled: true });
    expect(base).not.toHaveProperty('assignable_to_role');
  });

  it("adopts AWS-Admins' member policy after the eligibility brought the group under PIM: activation from the config, eligibilities expiring within the eligibility duration", () => {
    const [policy, ...others] = Object.entries(byType('azuread_group_role_management_policy'));
    expect(others).toEqual([]);
    expect(policy[1]).toMatchObject({
      group_id: expect.stringMatching(admins),
      role_id: 'member',
      activation_rules: { maximum_duration: 'PT2H', require_justification: true, require_multifactor_authentication: true, require_approval: false },
      eligible_assignment_rules: { expiration_required: true, expire_after: 'P365D' },
    });
    expect(policy[1].activation_rules).not.toHaveProperty('approval_stage');
    // The group's policy assignment is listed only once the group is onboarded, which the first eligibility does.
    const [schedule] = Object.entries(byType('azuread_privileged_access_group_eligibility_schedule')) as [string, any][];
    expect(policy[1].depends_on).toContain(`azuread_privileged_access_group_eligibility_schedule.${schedule[0]}`);
    expect(schedule[1].depends_on ?? []).not.toContain(`azuread_group_role_management_policy.${policy[0]}`);
  });

  it('never plans an in-place update of an eligibility (provider issue 1412): every argument that is not ForceNew is also in a terraform_data that replace_triggered_by watches', () => {
    const [schedule] = Object.values(byType('azuread_privileged_access_group_eligibility_schedule')) as any[];
    // privileged_access_group_schedule.go (v3.7.0): group_id, principal_id and assignment_type are ForceNew; the rest is updated in place.
    const mutable = Object.fromEntries(Object.entries(schedule).filter(([key]) => !['group_id', 'principal_id', 'assignment_type', 'depends_on', 'lifecycle', 'provider'].includes(key)));
    expect(Object.keys(mutable).sort()).toEqual(['duration', 'justification']);
    const triggers: string[] = schedule.lifecycle.replace_triggered_by;
    expect(triggers).toHaveLength(1);
    const [type, name] = triggers[0].replace(/^\$\{|\}$/g, '').split('.');
    expect(type).toBe('terraform_data');
    expect(byType('terraform_data')[name].input).toEqual(mutable);
    // So a changed justification or duration changes the trigger's input: the eligibility is replaced (adminRemove, then adminAssign).
    const raw = structuredClone(rawConfig) as any;
    raw.pim.privilegedGroups[0].eligibilityDuration = 'P90D';
    const changed = parsed(synthStack('azure-id', raw));
    expect(changed.resource.terraform_data[name].input).toEqual({ ...mutable, duration: 'P90D' });
    expect(Object.values(changed.resource.azuread_group_role_management_policy)).toEqual([expect.objectContaining({ eligible_assignment_rules: { expiration_required: true, expire_after: 'P90D' } })]);
  });

  it('requires approval in one stage when the config names approvers, users as singleUser and groups as groupMembers', () => {
    const raw = structuredClone(rawConfig) as any;
    raw.pim.privilegedGroups[0].activation.approvers = { users: ['RichRoe'], groups: ['AWS-Base'] };
    const approving = parsed(synthStack('azure-id', raw));
    const [policy] = Object.values(approving.resource.azuread_group_role_management_policy) as any[];
    expect(policy.activation_rules).toMatchObject({
      require_approval: true,
      approval_stage: { primary_approver: [
        { object_id: expect.stringMatching(/^\$\{azuread_user\.RichRoe_user_\w+\.object_id\}$/), type: 'singleUser' },
        { object_id: expect.stringMatching(/^\$\{azuread_group\.group_AWS-Base_group_\w+\.object_id\}$/), type: 'groupMembers' },
      ] },
    });
  });
});

describe('azure-id JIT client: the app registration npm run elevate and revoke sign in through', () => {
  const SCOPES = ['User.Read', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'Synchronization.ReadWrite.All'];
  const [[appName, app]] = Object.entries(byType('azuread_application')).filter(([id]) => id.includes('jit'));
  const [[graphName, graph]] = Object.entries(json.data.azuread_service_principal ?? {}) as [string, any][];

  it('is a public client (device code, and http://localhost for the browser) that asks Microsoft Graph for exactly the three delegated scopes, their ids read from the tenant', () => {
    expect(graph).toEqual({ client_id: '00000003-0000-0000-c000-000000000000' });
    expect(app).toMatchObject({ fallback_public_client_enabled: true, public_client: { redirect_uris: ['http://localhost'] } });
    expect(app).not.toHaveProperty('template_id');
    const [access, ...others] = app.required_resource_access;
    expect(others).toEqual([]);
    expect(access.resource_app_id).toBe('00000003-0000-0000-c000-000000000000');
    expect(access.resource_access).toEqual(SCOPES.map((scope) => ({ id: `\${data.azuread_service_principal.${graphName}.oauth2_permission_scope_ids["${scope}"]}`, type: 'Scope' })));
  });

  it('has its service principal and an admin consent for all users of exactly those scopes', () => {
    const [sp] = Object.values(byType('azuread_service_principal')).filter((s: any) => s.client_id === `\${azuread_application.${appName}.client_id}`);
    expect(sp).toBeDefined();
    const grants = Object.values(byType('azuread_service_principal_delegated_permission_grant')) as any[];
    expect(grants).toHaveLength(1);
    expect(grants[0]).toEqual({ service_principal_object_id: expect.stringMatching(/^\$\{azuread_service_principal\.\w*jit\w*\.object_id\}$/), resource_service_principal_object_id: `\${data.azuread_service_principal.${graphName}.object_id}`, claim_values: SCOPES });
    expect(grants[0]).not.toHaveProperty('user_object_id');
  });

  it("reaches the commands through each federation link's input (the deploy record)", () => {
    const links = Object.entries(byType('terraform_data')).filter(([id]) => id.includes('post_apply')).map(([, r]) => r as any);
    expect(links).toHaveLength(2);
    for (const link of links) {
      expect(link.input.jitClientId).toBe(`\${azuread_application.${appName}.client_id}`);
    }
  });
});

describe('federation link provisioners, run as Terraform would run them', () => {
  // Stand-ins for what Terraform resolves the references to at apply time.
  const resolved: Record<string, unknown> = {
    region: 'us-gov-west-1',
    partition: 'aws-us-gov',
    instanceArn: 'arn:aws-us-gov:sso:::instance/ssoins-7907a1b2c3d4e5f6',
    identityStoreId: 'd-9867012345',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    applicationClientId: '0c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    applicationObjectId: '1c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    servicePrincipalId: '2c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    signingCertificateThumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
    jitClientId: '7c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
  };
  const resolveUser = (user: any) => ({ ...user, objectId: '3c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', userPrincipalName: `${user.userName}@contoso.onmicrosoft.com` });

  it.each(['post-apply', 'pre-destroy'])('%s receives every input the script needs, from the stack directory', (phase) => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'federation-link-')), 'cdktf.out');
    const app = new App({ outdir });
    buildApp(app);
    app.synth();
    const stackDir = join(outdir, 'stacks', 'azure-id');
    const synthesized = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    const links = Object.entries(synthesized.resource.terraform_data).filter(([id]) => id.startsWith('aws-govcloud')).map(([, r]) => r as any);
    const link = links.find((l) => l.provisioner.some((p: any) => (phase === 'pre-destroy') === (p['local-exec'].when === 'destroy')));
    const resolveGroup = (group: any) => ({ ...group, objectId: '6c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', members: group.members.map(resolveUser) });
    const input = { ...link.input, ...resolved, scimUsers: link.input.scimUsers.map(resolveUser), samlUsers: link.input.samlUsers.map(resolveUser), groups: link.input.groups.map(resolveGroup) };
    const [{ 'local-exec': provisioner }] = link.provisioner;

    const output = execFileSync('sh', ['-c', provisioner.command], {
      cwd: resolve(stackDir, provisioner.working_dir),
      env: { ...process.env, FEDERATION_INPUT: JSON.stringify(input), FEDERATION_DRY_RUN: '1' },
      encoding: 'utf8',
    });
    expect(output).toContain(`${phase} for aws-govcloud (aws-us-gov, us-gov-west-1, d-9867012345, tenant 72f988bf-86f1-41af-91ab-2d7cd011db47), dry run:`);
    const steps = phase === 'post-apply' ? POST_APPLY_STEPS : PRE_DESTROY_STEPS;
    for (const step of steps) expect(output).toContain(step.label);
  });
});

describe('federation context', () => {
  it('stops synth with the command that fills a missing value', () => {
    withEnv({ FEDERATION_CONTEXT_FILE: resolve(__dirname, '../fixtures/context-missing-acs-url.json') }, () => {
      expect(() => buildApp(new App({ outdir: mkdtempSync(join(tmpdir(), 'ctx-')) }))).toThrow(
        /is missing values:\n {2}- instances\.aws-govcloud\.acsUrl: .*\nFill it with `npm run federation -- lookup`/,
      );
    });
  });

  it('warns while the committed values are examples', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'ctx-')) });
    buildApp(app);
    const warnings = app.node.findAll().flatMap((n) => n.node.metadata).filter((m) => m.type === '@cdktf/warn').map((m) => m.data);
    expect(warnings).toContain('federation.context.json holds example values; run `npm run federation -- lookup` before deploying to real accounts.');
  });
});
