import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { SsoadminManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-managed-policy-attachment';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminInstanceAccessControlAttributes } from '@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes';
import { IdentitystoreUser } from '@cdktf/provider-aws/lib/identitystore-user';
import { DataAwsSsoadminInstances } from '@cdktf/provider-aws/lib/data-aws-ssoadmin-instances';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { SsoadminCustomerManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-customer-managed-policy-attachment';
import { SsoadminPermissionsBoundaryAttachment } from '@cdktf/provider-aws/lib/ssoadmin-permissions-boundary-attachment';
import { loadConfig, rawConfig } from '../../config';
import { PermissionSet } from '../../constructs/permission-set';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { parsed, stackOf, synthApp, synthStack, withEnv } from '../support/synth';
import { buildApp } from '../../main';
import { REHEARSAL_ENDPOINT_CONTEXT } from '../../app-model/fips';
import { synthToDisk } from '../../synth-to-disk';

const NO_ENDPOINT = { AWS_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_SSO_ADMIN: undefined, AWS_ENDPOINT_URL_IDENTITYSTORE: undefined, AWS_ENDPOINT_URL_STS: undefined };
const synthWithoutEndpoint = (name: string, raw?: unknown) => withEnv(NO_ENDPOINT, () => synthStack(name, raw));

function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

describe.each(INSTANCE_NAMES)('%s stack', (name) => {
  const stack = synthWithoutEndpoint(name);
  const json = parsed(stack);
  const instance = rawConfig.aws[name];

  it('uses the hardcoded profile and region, and the standard environment for everything else', () => {
    expect(stack).toHaveProviderWithProperties(AwsProvider, { profile: instance.profile, region: instance.region });
    const provider = json.provider.aws[0];
    expect(provider).not.toHaveProperty('shared_config_files');
    expect(provider).not.toHaveProperty('endpoints');
    expect(provider).not.toHaveProperty('access_key');
  });

  it('reads the instance, the account and the partition instead of writing them down', () => {
    expect(stack).toHaveDataSource(DataAwsSsoadminInstances);
    expect(stack).toHaveDataSource(DataAwsCallerIdentity);
    expect(stack).toHaveDataSource(DataAwsPartition);
    expect(JSON.stringify(json)).not.toMatch(/arn:aws(-us-gov)?:/);
    const [instances] = Object.values(json.data.aws_ssoadmin_instances) as any[];
    expect(instances.lifecycle.postcondition).toEqual([
      {
        condition: '${length(self.arns) > 0}',
        error_message: expect.stringContaining(`Identity Center in ${name} has no Organization instance: enable it in the console`),
      },
    ]);
  });

  it('creates RegionalAdmin with exactly the inline policy of guide step 2.1', () => {
    expect(stack).toHaveResourceWithProperties(SsoadminPermissionSet, {
      name: 'RegionalAdmin',
      session_duration: 'PT1H',
      description: expect.stringContaining('step 2.1'),
    });
    const [inline] = Object.values(resourcesOf(json, SsoadminPermissionSetInlinePolicy.tfResourceType));
    expect(JSON.parse(inline.inline_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Statement1',
          Effect: 'Allow',
          Action: ['account:ListRegions', 'account:GetRegionOptStatus', 'account:DisableRegion', 'account:EnableRegion'],
          Resource: ['*'],
        },
      ],
    });
  });

  it('creates AdministratorAccess with the AWS managed policy in the stack partition', () => {
    expect(stack).toHaveResourceWithProperties(SsoadminPermissionSet, { name: 'AdministratorAccess', session_duration: 'PT1H' });
    expect(stack).toHaveResourceWithProperties(SsoadminManagedPolicyAttachment, {
      managed_policy_arn: expect.stringMatching(/^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:iam::aws:policy\/AdministratorAccess$/),
    });
  });

  it('creates NikkiWolf with the Entra user principal name on the tenant domain', () => {
    expect(stack).toHaveResourceWithProperties(IdentitystoreUser, {
      user_name: 'NikkiWolf@example.onmicrosoft.com',
      display_name: 'Nikki Wolf',
      name: { given_name: 'Nikki', family_name: 'Wolf' },
      emails: { value: 'NikkiWolf@example.onmicrosoft.com', primary: true, type: 'work' },
    });
    expect(Object.keys(resourcesOf(json, IdentitystoreUser.tfResourceType))).toHaveLength(1);
  });

  it('assigns NikkiWolf to RegionalAdmin and AdministratorAccess on the profile account', () => {
    const assignments = Object.values(resourcesOf(json, SsoadminAccountAssignment.tfResourceType));
    expect(assignments).toHaveLength(2);
    for (const assignment of assignments) {
      expect(assignment).toMatchObject({
        principal_type: 'USER',
        principal_id: expect.stringMatching(/^\$\{aws_identitystore_user\.NikkiWolf_user_\w+\.user_id\}$/),
        target_type: 'AWS_ACCOUNT',
        target_id: expect.stringMatching(/^\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}$/),
      });
    }
  });

  it('makes every assignment depend on all policy attachments of its permission set', () => {
    const assignments = resourcesOf(json, SsoadminAccountAssignment.tfResourceType);
    const attachmentsOf = (permissionSetName: string) =>
      [SsoadminPermissionSetInlinePolicy, SsoadminManagedPolicyAttachment].flatMap((type) =>
        Object.entries(resourcesOf(json, type.tfResourceType))
          .filter(([, attachment]) => attachment.permission_set_arn.includes(`${permissionSetName}_permission_set_`))
          .map(([id]) => `${type.tfResourceType}.${id}`),
      );
    for (const permissionSetName of ['RegionalAdmin', 'AdministratorAccess']) {
      const [assignment] = Object.values(assignments).filter((a: any) => a.permission_set_arn.includes(`${permissionSetName}_permission_set_`));
      expect(attachmentsOf(permissionSetName)).toHaveLength(1);
      expect(assignment.depends_on).toEqual(attachmentsOf(permissionSetName));
    }
  });

  it('makes an assignment depend on every attachment of a permission set with several, not only the first', () => {
    const raw = structuredClone(rawConfig) as any;
    const admin = raw.identityCenter.permissionSets.find((ps: any) => ps.name === 'AdministratorAccess');
    Object.assign(admin, {
      inlinePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'account:CloseAccount', Resource: '*' }] },
      awsManagedPolicies: ['AdministratorAccess', 'job-function/Billing'],
      customerManagedPolicies: [{ name: 'OrgGuardrails' }],
      permissionsBoundary: { awsManagedPolicy: 'PowerUserAccess' },
    });
    const several = parsed(synthWithoutEndpoint(name, raw));
    const attachments = [SsoadminPermissionSetInlinePolicy, SsoadminManagedPolicyAttachment, SsoadminCustomerManagedPolicyAttachment, SsoadminPermissionsBoundaryAttachment].flatMap((type) =>
      Object.entries(resourcesOf(several, type.tfResourceType))
        .filter(([, attachment]) => attachment.permission_set_arn.includes('AdministratorAccess_permission_set_'))
        .map(([id]) => `${type.tfResourceType}.${id}`),
    );
    expect(attachments).toHaveLength(5);
    const [assignment] = Object.values(resourcesOf(several, SsoadminAccountAssignment.tfResourceType)).filter((a: any) => a.permission_set_arn.includes('AdministratorAccess_permission_set_'));
    expect([...(assignment as any).depends_on].sort()).toEqual(attachments.sort());
  });

  it('configures the Department attribute for access control', () => {
    expect(stack).toHaveResourceWithProperties(SsoadminInstanceAccessControlAttributes, {
      attribute: [{ key: 'Department', value: [{ source: ['$${path:enterprise.department}'] }] }],
    });
  });

  it('outputs what the other stacks and the scripts need', () => {
    expect(Object.keys(json.output).sort()).toEqual(['account_id', 'identity_store_id', 'instance_arn', 'partition', 'permission_set_arns', 'region']);
  });
});

describe('FIPS endpoints', () => {
  it('are on for GovCloud and off for commercial', () => {
    expect(synthWithoutEndpoint('aws-govcloud')).toHaveProviderWithProperties(AwsProvider, { use_fips_endpoint: true });
    expect(synthWithoutEndpoint('aws-commercial')).toHaveProviderWithProperties(AwsProvider, { use_fips_endpoint: false });
  });

  it.each(['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SSO_ADMIN'])('stay on for GovCloud when %s is set in the shell (synth reads no environment variable)', (variable) => {
    withEnv({ ...NO_ENDPOINT, [variable]: 'http://127.0.0.1:4566' }, () => {
      expect(Testing.synth(stackOf(synthApp(), 'aws-govcloud'))).toHaveProviderWithProperties(AwsProvider, { use_fips_endpoint: true });
    });
  });

  it('are off only when the rehearsal names its emulator in the app context, and synth says so', () => {
    const stacks = synthToDisk(NO_ENDPOINT, { rehearsalEndpoint: 'http://127.0.0.1:4566' });
    const provider = JSON.parse(readFileSync(join(stacks, 'aws-govcloud', 'cdk.tf.json'), 'utf8')).provider.aws[0];
    expect(provider.use_fips_endpoint).toBe(false);
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'fips-')), context: { [REHEARSAL_ENDPOINT_CONTEXT]: 'http://127.0.0.1:4566' } });
    buildApp(app);
    const notes = stackOf(app, 'aws-govcloud').node.findAll().flatMap((node) => node.node.metadata).map((entry) => entry.data);
    expect(notes).toContain('the endpoint http://127.0.0.1:4566 stands in for AWS, so FIPS endpoints are off for aws-govcloud (the AWS SDKs refuse FIPS with a custom endpoint)');
  });
});

describe('config changes', () => {
  it('adding a user and a permission set keeps every existing assignment as it was', () => {
    const before = resourcesOfStack(synthWithoutEndpoint('aws-commercial'));
    const grown = structuredClone(rawConfig) as any;
    grown.users.push({ userName: 'MaryMajor', givenName: 'Mary', familyName: 'Major', displayName: 'Mary Major', department: 'Finance' });
    grown.identityCenter.users.unshift('MaryMajor');
    grown.identityCenter.permissionSets.unshift({
      name: 'ReadOnly',
      description: 'Read-only access',
      sessionDuration: 'PT2H',
      awsManagedPolicies: ['ReadOnlyAccess'],
    });
    grown.identityCenter.assignments.unshift({ user: 'MaryMajor', permissionSet: 'ReadOnly' }, { user: 'NikkiWolf', permissionSet: 'ReadOnly' });
    const after = resourcesOfStack(synthWithoutEndpoint('aws-commercial', grown));

    for (const [type, resources] of Object.entries(before)) {
      expect(after[type]).toMatchObject(resources as object);
    }
    expect(Object.keys(after[SsoadminAccountAssignment.tfResourceType])).toHaveLength(4);
  });
});

function resourcesOfStack(synthesized: string): Record<string, Record<string, unknown>> {
  const { resource } = parsed(synthesized);
  // Drop CDKTF's metadata so only what Terraform compares remains.
  for (const resources of Object.values(resource) as any[]) for (const r of Object.values(resources) as any[]) delete r['//'];
  return resource;
}

describe('permission set policies beyond inline and AWS managed', () => {
  const permissionSetWith = (extra: object, partition = 'aws-us-gov') => {
    const config = loadConfig(
      (() => {
        const raw = structuredClone(rawConfig) as any;
        Object.assign(raw.identityCenter.permissionSets[0], extra);
        return raw;
      })(),
    );
    let construct!: PermissionSet;
    const synthesized = Testing.synthScope((scope) => {
      construct = new PermissionSet(scope, 'ps', { instanceArn: 'arn:instance', partition, config: config.identityCenter.permissionSets[0] });
    });
    return { synthesized, construct };
  };

  it('attaches customer-managed policies by name and path', () => {
    const { synthesized } = permissionSetWith({ customerManagedPolicies: [{ name: 'RegionGuard', path: '/guards/' }, { name: 'Audit' }] });
    expect(synthesized).toHaveResourceWithProperties(SsoadminCustomerManagedPolicyAttachment, { customer_managed_policy_reference: { name: 'RegionGuard', path: '/guards/' } });
    expect(synthesized).toHaveResourceWithProperties(SsoadminCustomerManagedPolicyAttachment, { customer_managed_policy_reference: { name: 'Audit', path: '/' } });
  });

  it('builds an AWS-managed boundary ARN from the partition', () => {
    const { synthesized } = permissionSetWith({ permissionsBoundary: { awsManagedPolicy: 'PowerUserAccess' } });
    expect(synthesized).toHaveResourceWithProperties(SsoadminPermissionsBoundaryAttachment, { permissions_boundary: { managed_policy_arn: 'arn:aws-us-gov:iam::aws:policy/PowerUserAccess' } });
  });

  it('references a customer-managed boundary by name and path', () => {
    const { synthesized } = permissionSetWith({ permissionsBoundary: { customerManagedPolicy: { name: 'Boundary' } } });
    expect(synthesized).toHaveResourceWithProperties(SsoadminPermissionsBoundaryAttachment, { permissions_boundary: { customer_managed_policy_reference: { name: 'Boundary', path: '/' } } });
  });

  it('sets the relay state', () => {
    const { synthesized } = permissionSetWith({ relayState: 'https://console.aws.amazon.com/ec2/' });
    expect(synthesized).toHaveResourceWithProperties(SsoadminPermissionSet, { name: 'RegionalAdmin', relay_state: 'https://console.aws.amazon.com/ec2/' });
  });

  it('counts every attachment in policyAttachments, so assignments depend on all of them', () => {
    const { construct } = permissionSetWith({
      awsManagedPolicies: ['ReadOnlyAccess'],
      customerManagedPolicies: [{ name: 'A' }, { name: 'B' }],
      permissionsBoundary: { awsManagedPolicy: 'PowerUserAccess' },
    });
    // inline + 1 AWS managed + 2 customer managed + boundary
    expect(construct.policyAttachments).toHaveLength(5);
  });
});
