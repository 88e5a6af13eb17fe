import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, rawConfig } from '../../config';
import { awsPolicy, graphPermissionOf, iamActionOfScriptCall, permissionFiles, stackTypes, stalePermissionFiles } from '../../scripts/permissions/generate';
import { NO_PERMISSION_ACTIONS } from '../../scripts/permissions/catalog';
import { scanScripts } from '../../scripts/permissions/scan';
import { synthToDisk } from '../../synth-to-disk';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { accessStacks } from '../../app-model/stacks';
import { awsCallsNotAllowed, graphCallsNotCovered } from '../support/permissions';

describe('generated permissions', () => {
  const files = permissionFiles();

  it('are committed as the code now needs them (run npm run permissions after a change)', () => {
    expect(stalePermissionFiles(files)).toEqual([]);
  });

  it('are plain IAM policy documents, scoped to the region of each profile', () => {
    for (const [profile, region] of [['aws-commercial', 'us-east-1'], ['aws-govcloud', 'us-gov-west-1']]) {
      const policy = JSON.parse(files[`${profile}.iam-policy.json`]);
      expect(Object.keys(policy)).toEqual(['Version', 'Statement']);
      for (const statement of policy.Statement) {
        expect(Object.keys(statement).sort()).toEqual(expect.arrayContaining(['Action', 'Effect', 'Resource', 'Sid']));
        expect(statement.Action.every((a: string) => /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a))).toBe(true);
        if (statement.Resource === '*') expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': region } });
      }
    }
    expect(files['aws-govcloud.iam-policy.json']).toContain('arn:aws-us-gov:iam::*:role/aws-reserved/sso.amazonaws.com/*');
    expect(files['aws-govcloud.iam-policy.json']).not.toContain('arn:aws:');
    // Only the profile that holds the state bucket may touch it.
    expect(files['aws-commercial.iam-policy.json']).toContain('arn:aws:s3:::entra-identity-center-federation-state/entra-identity-center-federation/*');
    expect(files['aws-govcloud.iam-policy.json']).not.toContain('s3:');
  });

  it('let an assignment on the management account list roles and policies and update its SAML provider (IAM Identity Center user guide, identity-based policy examples, example 2)', () => {
    for (const [profile, partition] of [['aws-commercial', 'aws'], ['aws-govcloud', 'aws-us-gov']]) {
      const statements: { Action: string[]; Resource: string | string[] }[] = JSON.parse(files[`${profile}.iam-policy.json`]).Statement;
      const resourcesOf = (action: string) => statements.filter((s) => s.Action.includes(action)).flatMap((s) => [s.Resource].flat());
      expect(resourcesOf('iam:ListRoles')).toEqual(['*']);
      expect(resourcesOf('iam:ListPolicies')).toEqual(['*']);
      expect(resourcesOf('iam:UpdateSAMLProvider')).toContain(`arn:${partition}:iam::*:saml-provider/AWSSSO_*_DO_NOT_DELETE`);
    }
  });

  it('cover every call the scanner finds in the scripts, console-only ones included', () => {
    const { aws, graph } = scanScripts(join(__dirname, '../..'));
    expect(aws.map((c) => c.operation)).toEqual(expect.arrayContaining(['CreateBearerToken', 'CreateExternalIdPConfigurationForDirectory', 'ListInstances', 'DeleteUser']));
    expect(graph).toContainEqual(expect.objectContaining({ method: 'PUT', path: '/servicePrincipals/{id}/synchronization/secrets' }));
    const policy = files['aws-commercial.iam-policy.json'];
    for (const action of aws.map(iamActionOfScriptCall).filter((a) => !NO_PERMISSION_ACTIONS.has(a))) expect(policy).toContain(`"${action}"`);
    expect(policy).not.toContain('sts:GetCallerIdentity');
    const graphFile = JSON.parse(files['azure-id.graph-permissions.json']);
    expect(graphFile.scriptCalls).toHaveLength(new Set(graph.map((c) => `${c.method} ${c.path}`)).size);
    expect(graphFile.applicationPermissions).toEqual(expect.arrayContaining(['Synchronization.ReadWrite.All', 'Application.ReadWrite.All', 'User.ReadWrite.All', 'Policy.ReadWrite.ApplicationConfiguration']));
  });

  it('refuse to generate when a new call or resource type has no known permission', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    writeFileSync(
      join(dir, 'new-step.ts'),
      "import { CreateGroupCommand } from '@aws-sdk/client-identitystore';\nimport { CreateTokenCommand } from '@aws-sdk/client-sso-oidc';\n" +
        "export const a = new CreateGroupCommand({ IdentityStoreId: 'd', DisplayName: 'x' });\nexport const b = new CreateTokenCommand({} as any);\n" +
        'export const c = (client: any, id: string) => client.api(`/groups/${id}/members`).post({});\n',
    );
    const scanned = scanScripts(dir, dir);
    expect(iamActionOfScriptCall(scanned.aws[0])).toBe('identitystore:CreateGroup');
    expect(() => iamActionOfScriptCall(scanned.aws[1])).toThrow(/no IAM prefix for @aws-sdk\/client-sso-oidc/);
    expect(() => graphPermissionOf(scanned.graph[0])).toThrow(/no Graph permission for POST \/groups\/\{id\}\/members/);
    const types = stackTypes();
    types['aws-commercial'].push('aws_ssoadmin_application');
    expect(() => awsPolicy('aws-commercial', types, [], loadConfig())).toThrow(/does not say which IAM actions aws_ssoadmin_application needs/);
  });

  it('take the resource types of every access stack of a partition, when entries are split over stacks', () => {
    const split = structuredClone(rawConfig) as any;
    split.identityCenter.access['aws-commercial'].forEach((e: any) => (e.stack = 'all'));
    split.identityCenter.accessStacks['aws-commercial'] = ['all'];
    const types = { ...stackTypes(), 'aws-commercial-access': [], 'aws-commercial-access-all': stackTypes()['aws-commercial-access'] };
    const policy = awsPolicy('aws-commercial', types, [], loadConfig(split));
    expect(policy.Statement.map((s) => s.Sid)).toContain('AssignmentRolesInTheAccount');
    expect(policy).toEqual(awsPolicy('aws-commercial', stackTypes(), [], loadConfig()));
  });

  it("let the S3 state's profile read, with s3:GetObject, the base stack's state each access stack's terraform_remote_state reads", () => {
    const withS3 = structuredClone(rawConfig) as any;
    withS3.state.backend = 's3';
    const stacks = synthToDisk({ AWS_ENDPOINT_URL: undefined }, { rawConfig: withS3 });
    const config = loadConfig(withS3);
    const reads = INSTANCE_NAMES.flatMap((instance) =>
      accessStacks(config, instance).map(({ name }) => JSON.parse(readFileSync(join(stacks, name, 'cdk.tf.json'), 'utf8')).data.terraform_remote_state.base_state),
    );
    expect(reads).toHaveLength(2);
    for (const { backend, config: read } of reads) {
      expect(backend).toBe('s3');
      const policy = JSON.parse(files[`${read.profile}.iam-policy.json`]);
      const objectArn = `arn:aws:s3:::${read.bucket}/${read.key}`;
      const granting = policy.Statement.filter(
        (st: { Action: string[]; Resource: string | string[] }) =>
          st.Action.includes('s3:GetObject') && [st.Resource].flat().some((r) => new RegExp(`^${r.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(objectArn)),
      );
      expect(granting.map((st: { Sid: string }) => st.Sid)).toEqual(['StateAndDeployRecordsWhenBackendIsS3']);
    }
  });

  it('the coverage checks of the emulator tests flag a call outside the files', () => {
    const call = (service: string, operation: string) => ({ service, operation, count: 1, write: true, caller: 'AKIAEMULATORCOMM' });
    expect(awsCallsNotAllowed([call('sso-admin', 'CreateAccountAssignment'), call('sso-admin', 'DeleteInstance'), call('sts', 'GetCallerIdentity')], 'aws-commercial')).toEqual(['sso:DeleteInstance']);
    expect(awsCallsNotAllowed([call('sso-admin', 'ListInstances'), call('sso-admin', 'CreateAccountAssignment'), call('organizations', 'ListAccounts')], 'aws-commercial', 'read-only')).toEqual(['sso:CreateAccountAssignment']);
    expect(graphCallsNotCovered([{ method: 'PUT', path: '/v1.0/servicePrincipals/abc/synchronization/secrets' }, { method: 'DELETE', path: '/v1.0/users/abc' }], 'azure-id')).toEqual(['DELETE /v1.0/users/abc']);
  });
});
