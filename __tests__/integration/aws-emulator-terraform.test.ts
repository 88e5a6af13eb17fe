import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import {
  DescribeInstanceAccessControlAttributeConfigurationCommand,
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { rawConfig } from '../../config';
import { INSTANCE_NAMES, InstanceName } from '../../app-config/schema';
import { AwsEmulator } from '../../local/emulators/aws';
import { RequestCount } from '../../local/emulators/aws/gateway';
import { emulatorAccessKey } from '../../local/harness/aws-emulator-env';
import { TerraformWorkspace } from '../../local/harness/terraform-workspace';
import { awsCallsNotAllowed } from '../support/permissions';

const credentials = { accessKeyId: 'AKIAEMULATORTEST', secretAccessKey: 'emulator' };

describe('AWS stacks applied for real against the emulator', () => {
  let emulator: AwsEmulator;
  let workspace: TerraformWorkspace;
  const both = <T>(step: (stack: InstanceName) => Promise<T>) => Promise.all(INSTANCE_NAMES.map(step));

  beforeAll(async () => {
    emulator = await AwsEmulator.start();
    workspace = TerraformWorkspace.create(emulator.endpoint);
    await both((stack) => workspace.init(stack));
  });
  afterAll(() => emulator?.stop());
  // Every call of every test, kept before a test resets the counts.
  const seen: RequestCount[] = [];
  afterEach(() => seen.push(...emulator.requests.all()));

  /** How many resources the synthesized stack declares (what an apply creates and a destroy removes). */
  const resourceCount = (stack: InstanceName) =>
    Object.values(JSON.parse(readFileSync(join(workspace.stackDir(stack), 'cdk.tf.json'), 'utf8')).resource as Record<string, object>).reduce((sum, byName) => sum + Object.keys(byName).length, 0);

  /** What the emulator holds for one instance, read through the public APIs. */
  async function instanceState(stack: InstanceName) {
    const aws = { region: rawConfig.aws[stack].region, credentials, endpoint: emulator.endpoint };
    const ssoAdmin = new SSOAdminClient(aws);
    const [instance] = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances!;
    const permissionSets = (await ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: instance.InstanceArn }))).PermissionSets ?? [];
    const users = (await new IdentitystoreClient(aws).send(new ListUsersCommand({ IdentityStoreId: instance.IdentityStoreId }))).Users ?? [];
    const assignments = await Promise.all(
      permissionSets.map(async (PermissionSetArn) => (await ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: instance.InstanceArn, AccountId: '123456789012', PermissionSetArn }))).AccountAssignments ?? []),
    );
    const abac = await ssoAdmin.send(new DescribeInstanceAccessControlAttributeConfigurationCommand({ InstanceArn: instance.InstanceArn })).then(
      (answer) => answer.InstanceAccessControlAttributeConfiguration?.AccessControlAttributes,
      () => undefined,
    );
    return { instance, permissionSets: permissionSets.length, users: users.map((u) => u.UserName), assignments: assignments.flat().length, abac };
  }

  it('applies both AWS stacks, each in its own partition', async () => {
    const outputs = await both(async (stack) => {
      const applied = await workspace.apply(stack);
      expect(applied.stdout).toContain(`Apply complete! Resources: ${resourceCount(stack)} added, 0 changed, 0 destroyed.`);
      return JSON.parse((await workspace.run(stack, ['output', '-json'])).stdout);
    });
    expect(outputs[0].instance_arn.value).toMatch(/^arn:aws:sso:::instance\//);
    expect(outputs[1].instance_arn.value).toMatch(/^arn:aws-us-gov:sso:::instance\//);
    expect(outputs.map((o) => o.partition.value)).toEqual(['aws', 'aws-us-gov']);
    for (const stack of INSTANCE_NAMES) {
      expect(await instanceState(stack)).toMatchObject({
        permissionSets: rawConfig.identityCenter.permissionSets.length,
        users: ['NikkiWolf@example.onmicrosoft.com'],
        assignments: rawConfig.identityCenter.assignments.length,
        // What AWS receives: the key and where Identity Center reads its value (the literal ${path:…}, not an interpolation).
        abac: rawConfig.identityCenter.accessControlAttributes.map((a) => ({ Key: a.key, Value: { Source: [`\${path:${a.identityStorePath}}`] } })),
      });
    }
  });

  it('re-applies with an empty plan and no write call', async () => {
    emulator.requests.reset();
    const plans = await both((stack) => workspace.plan(stack));
    for (const plan of plans) expect(plan.resource_changes.filter((c: any) => c.change.actions.join() !== 'no-op')).toEqual([]);
    const applied = await both((stack) => workspace.apply(stack));
    applied.forEach((result) => expect(result.stdout).toContain('Resources: 0 added, 0 changed, 0 destroyed.'));
    expect(emulator.requests.writes()).toEqual([]);
    expect(emulator.requests.all().length).toBeGreaterThan(0);
  });

  it('plans only additions when a user and a permission set join the config, replacing no assignment', async () => {
    const grown = structuredClone(rawConfig) as any;
    grown.users.push({ userName: 'MaryMajor', givenName: 'Mary', familyName: 'Major', displayName: 'Mary Major', department: 'Finance' });
    grown.identityCenter.users.unshift('MaryMajor');
    grown.identityCenter.permissionSets.unshift({ name: 'ReadOnly', description: 'Read-only access', sessionDuration: 'PT2H', awsManagedPolicies: ['ReadOnlyAccess'] });
    grown.identityCenter.assignments.unshift({ user: 'MaryMajor', permissionSet: 'ReadOnly' }, { user: 'NikkiWolf', permissionSet: 'ReadOnly' });
    const unchanged = resourceCount('aws-commercial');
    try {
      workspace.resynth(grown);
      await both((stack) => workspace.init(stack));
      for (const plan of await both((stack) => workspace.plan(stack))) {
        const byAction = (action: string) => plan.resource_changes.filter((c: any) => c.change.actions.join() === action).map((c: any) => c.type).sort();
        expect(byAction('create')).toEqual([
          'aws_identitystore_user',
          'aws_ssoadmin_account_assignment',
          'aws_ssoadmin_account_assignment',
          'aws_ssoadmin_managed_policy_attachment',
          'aws_ssoadmin_permission_set',
        ]);
        expect(byAction('no-op')).toHaveLength(unchanged);
        expect(plan.resource_changes).toHaveLength(unchanged + 5);
      }
    } finally {
      workspace.resynth(rawConfig);
      await both((stack) => workspace.init(stack));
    }
  });

  it('gives AWS an inline policy with IAM policy variables (ABAC) as written: Terraform does not read ${aws:…} as its own', async () => {
    // IAM user guide, "IAM policy elements: Variables and tags": ${aws:PrincipalTag/Department} is resolved by IAM per request.
    const abac = structuredClone(rawConfig) as any;
    const [regionalAdmin] = abac.identityCenter.permissionSets;
    regionalAdmin.description = 'Regions of the ${aws:PrincipalTag/Department} team, %{ as written }';
    regionalAdmin.inlinePolicy.Statement.push({
      Sid: 'OwnDepartmentOnly',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports/${aws:PrincipalTag/Department}/*',
      Condition: { StringEquals: { 'aws:ResourceTag/Department': '${aws:PrincipalTag/Department}' } },
    });
    try {
      workspace.resynth(abac);
      await both((stack) => workspace.init(stack));
      for (const stack of INSTANCE_NAMES) {
        const applied = await workspace.apply(stack);
        expect(applied.stdout).toContain('Resources: 0 added, 2 changed, 0 destroyed.');
        const ssoAdmin = new SSOAdminClient({ region: rawConfig.aws[stack].region, credentials, endpoint: emulator.endpoint });
        const [instance] = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances!;
        const arns = (await ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: instance.InstanceArn }))).PermissionSets ?? [];
        const described = await Promise.all(arns.map((PermissionSetArn) => ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn: instance.InstanceArn, PermissionSetArn }))));
        const permissionSet = described.map((d) => d.PermissionSet!).find((ps) => ps.Name === 'RegionalAdmin')!;
        expect(permissionSet.Description).toBe(regionalAdmin.description);
        const { InlinePolicy } = await ssoAdmin.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn: instance.InstanceArn, PermissionSetArn: permissionSet.PermissionSetArn }));
        expect(JSON.parse(InlinePolicy!)).toEqual(regionalAdmin.inlinePolicy);
        expect(InlinePolicy).toContain('"arn:aws:s3:::reports/${aws:PrincipalTag/Department}/*"');
      }
    } finally {
      workspace.resynth(rawConfig);
      await both((stack) => workspace.init(stack));
    }
  });

  it('destroys everything, each assignment before the policies of its permission set', async () => {
    const destroyed = await both((stack) => workspace.destroy(stack));
    for (const [i, { stdout }] of destroyed.entries()) {
      expect(stdout).toContain(`Destroy complete! Resources: ${resourceCount(INSTANCE_NAMES[i])} destroyed.`);
      const lines = stdout.split('\n');
      const last = (pattern: RegExp) => lines.reduce((found, line, i) => (pattern.test(line) ? i : found), -1);
      const first = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
      for (const permissionSet of ['RegionalAdmin', 'AdministratorAccess']) {
        const assignmentGone = last(new RegExp(`aws_ssoadmin_account_assignment\\.\\w+_${permissionSet}_assignment_\\w+: Destruction complete`));
        const policiesGo = first(new RegExp(`aws_ssoadmin_(managed_policy_attachment|permission_set_inline_policy)\\.${permissionSet}_\\w+: Destroying`));
        expect(assignmentGone).toBeGreaterThan(-1);
        expect(assignmentGone).toBeLessThan(policiesGo);
      }
    }
    for (const stack of INSTANCE_NAMES) {
      expect(await instanceState(stack)).toMatchObject({ permissionSets: 0, users: [], assignments: 0, abac: undefined });
    }
    expect(emulator.leftovers()).toEqual({ provisioningTenants: 0, bearerTokens: 0, scimObjects: 0, externalIdps: 0 });
  });

  it('needed no AWS permission beyond the generated policy of each profile', () => {
    for (const stack of INSTANCE_NAMES) {
      const byTerraform = seen.filter((c) => c.caller === emulatorAccessKey(rawConfig.aws[stack].partition));
      expect(byTerraform.length).toBeGreaterThan(10);
      expect(awsCallsNotAllowed(byTerraform, rawConfig.aws[stack].profile)).toEqual([]);
    }
  });
});
