import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { MotoServer } from '../../local/emulators/moto-server';
import { synthToDisk } from '../../synth-to-disk';
import { terraformOk, writeMirrorCliConfig } from '../../local/harness/terraform';
import { TerraformWorkspace } from '../../local/harness/terraform-workspace';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { rawConfig } from '../../config';
import { AwsEmulator } from '../../local/emulators/aws';
import { stateOf, UNKNOWN_ACCOUNT_STATE_MESSAGE } from '../../constructs/account-targets';
import { activeAccountsUnder, BuiltOrganization, buildOrganization } from '../../local/rehearsal/organization';
import { IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../../scripts/clients/signed-json-client';
import { emulatorAccessKey } from '../../local/harness/aws-emulator-env';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { stateKey } from '../../app-model/state';

type EmulatorClientConfig = { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };

/** A group as Entra's provisioning creates it: by SCIM, with the Entra object id as externalId. */
async function provisionGroupByScim(aws: EmulatorClientConfig, displayName: string): Promise<void> {
  const ssoAdmin = new SSOAdminClient(aws);
  const { IdentityStoreId } = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances![0];
  const consoleApi = new SignedJsonClient(aws);
  const { ProvisioningTenant } = await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateProvisioningTenant', { IdentityStoreId });
  const token = (await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', { IdentityStoreId, TenantId: ProvisioningTenant.TenantId })).BearerToken.Token;
  const created = await fetch(new URL('Groups', ProvisioningTenant.ScimEndpoint), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, externalId: '0b6b7f6e-0000-4000-8000-000000000001', members: [] }),
  });
  expect(created.status).toBe(201);
}

describe('terraform init + validate through the offline mirror', () => {
  const work = mkdtempSync(join(tmpdir(), 'tf-validate-'));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(work) };
  const stacks = synthToDisk({ AWS_ENDPOINT_URL: undefined });

  it.each(INSTANCE_NAMES)('%s is valid Terraform with hashicorp/aws 5.100.0', async (name) => {
    const dir = join(stacks, name);
    const init = await terraformOk(['init', '-input=false', '-backend=false'], dir, env);
    expect(init.stdout).toMatch(/Installed hashicorp\/aws v5\.100\.0|Using hashicorp\/aws v5\.100\.0/);
    const validate = await terraformOk(['validate', '-json'], dir, env);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });
});

/**
 * The state an access stack reads from an account of an Organizations data source, whichever shape the
 * provider gives it: newer hashicorp/aws releases add `state`, 5.100.0 has `status` only, and since
 * 2026-09-09 AWS fills only State. Evaluated by Terraform itself (terraform console, no provider).
 */
describe('the account state Terraform reads (constructs/account-targets.ts)', () => {
  it.each([
    ['state only (a provider that exposes state, after the retirement)', '{ id = "1", state = "ACTIVE" }', 'ACTIVE'],
    ['a closed account, state only', '{ id = "1", state = "CLOSED" }', 'CLOSED'],
    ['state and an empty status', '{ id = "1", state = "SUSPENDED", status = "" }', 'SUSPENDED'],
    ['status only (5.100.0 before the retirement)', '{ id = "1", status = "ACTIVE" }', 'ACTIVE'],
    ['an empty status only (5.100.0 after the retirement)', '{ id = "1", status = "" }', 'UNKNOWN'],
  ])('%s', async (_shape, account, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-state-'));
    writeFileSync(join(dir, 'main.tf'), `locals {\n  account = ${account}\n}\n`);
    const answer = execFileSync('terraform', ['console'], { cwd: dir, input: stateOf('local.account'), env: { ...process.env, CHECKPOINT_DISABLE: '1' }, encoding: 'utf8' });
    expect(answer.trim()).toBe(JSON.stringify(expected));
  });
});

describe('the exit from CDKTF: cdktf synth --hcl', () => {
  const work = mkdtempSync(join(tmpdir(), 'tf-hcl-'));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(work), CHECKPOINT_DISABLE: '1', AWS_ENDPOINT_URL: undefined };
  let stacks: string;

  beforeAll(async () => {
    // The real CLI, as a person leaving CDKTF would run it.
    await promisify(execFile)(join(__dirname, '..', '..', 'node_modules/.bin/cdktf'), ['synth', '--hcl', '--output', join(work, 'out')], { cwd: join(__dirname, '..', '..'), env });
    stacks = join(work, 'out', 'stacks');
  }, 120_000);

  const validHcl = async (dir: string) => {
    expect(existsSync(join(dir, 'cdk.tf'))).toBe(true);
    expect(existsSync(join(dir, 'cdk.tf.json'))).toBe(false);
    await terraformOk(['init', '-input=false', '-backend=false'], dir, env);
    const validate = JSON.parse((await terraformOk(['validate', '-json'], dir, env)).stdout);
    expect(validate).toMatchObject({ valid: true, error_count: 0 });
    // What is left are warnings about quoted depends_on references, which CDKTF writes in HCL.
    expect(validate.diagnostics.map((d: { summary: string }) => d.summary)).toEqual(Array(validate.warning_count).fill('Quoted references are deprecated'));
    return readFileSync(join(dir, 'cdk.tf'), 'utf8');
  };
  /** The postcondition blocks of one block of cdk.tf (`data "<type>" "<name>"`), as Terraform would read them. */
  const postconditions = (hcl: string, header: RegExp) => {
    const start = hcl.search(header);
    expect(start).toBeGreaterThanOrEqual(0);
    const block = hcl.slice(start, hcl.indexOf('\n}', start));
    return [...block.matchAll(/postcondition \{\s*condition\s*=\s*"(.*)"\s*error_message\s*=\s*"(.*)"\s*\}/g)].map(([, condition, message]) => ({ condition, message }));
  };

  it.each(INSTANCE_NAMES)('%s as HCL is valid Terraform, with no JSON beside it, and keeps its Organization-instance check', async (name) => {
    const hcl = await validHcl(join(stacks, name));
    expect(hcl).toContain('resource "aws_ssoadmin_account_assignment"');
    expect(postconditions(hcl, /data "aws_ssoadmin_instances"/)).toEqual([{ condition: '${length(self.arns) > 0}', message: expect.stringContaining(`Identity Center in ${name} has no Organization instance`) }]);
  });

  it.each(INSTANCE_NAMES)('%s-access as HCL is valid Terraform, keeps its group and base-state checks, and reads the base stack\'s state where the base stack writes it', async (name) => {
    const hcl = await validHcl(join(stacks, `${name}-access`));
    expect(hcl).toContain('resource "aws_ssoadmin_account_assignment"');
    expect(postconditions(hcl, /data "aws_identitystore_groups"/).map((c) => c.message)).toEqual(
      ['AWS-Base', 'AWS-Admins'].map((group) => expect.stringContaining(`Group \\"${group}\\" is not in the ${name} identity store`)),
    );
    const [base] = postconditions(hcl, /data "aws_caller_identity" "base_state_check"/);
    expect(base.message).toContain(`deploy ${name} first`);
    // Local state: the path in the remote state's config is the path of the base stack's own backend.
    const remotePath = /data "terraform_remote_state" "base_state" \{[^]*?config = \{\s*path = "([^"]+)"/.exec(hcl)?.[1];
    const basePath = /backend "local" \{\s*path = "([^"]+)"/.exec(readFileSync(join(stacks, name, 'cdk.tf'), 'utf8'))?.[1];
    expect(remotePath).toBe(join(__dirname, '..', '..', `terraform.${name}.tfstate`));
    expect(remotePath).toBe(basePath);
  });

  it('azure-id as HCL writes the federation link\'s destroy-time provisioners with the keyword `when = destroy`, valid Terraform; its JSON keeps the string "destroy"', async () => {
    // The azuread provider is not in the offline mirror, so the whole stack cannot be validated here.
    // The terraform_data blocks need only Terraform's built-in provider: they are taken out of cdk.tf as
    // written, and only their values that read other resources (`"${…}"` not about `self`) become literals.
    const hcl = readFileSync(join(stacks, 'azure-id', 'cdk.tf'), 'utf8');
    // The federation links: the terraform_data with provisioners (an eligibility's trigger, constructs/entra-pim.ts, has none).
    const blocks = [...hcl.matchAll(/^resource "terraform_data" "[^"]+" \{\n[^]*?\n\}$/gm)].map(([block]) => block).filter((block) => block.includes('provisioner "local-exec"'));
    expect(blocks).toHaveLength(2 * INSTANCE_NAMES.length);
    const links = blocks.filter((block) => /^resource "terraform_data" "[^"]+_federation_link_/.test(block));
    expect(links).toHaveLength(INSTANCE_NAMES.length);
    for (const link of links) expect(link).toMatch(/^ {4}when {8}= destroy$/m);
    const dir = join(work, 'azure-id-terraform-data');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf'), blocks.map((block) => block.replace(/"\$\{(?![^"]*\bself\.)[^"]*\}"/g, '"literal"')).join('\n\n') + '\n');
    await terraformOk(['init', '-input=false', '-backend=false'], dir, env);
    const validate = JSON.parse((await terraformOk(['validate', '-json'], dir, env)).stdout);
    expect(validate).toMatchObject({ valid: true, error_count: 0 });
    expect(validate.diagnostics.map((d: { summary: string }) => d.summary)).toEqual(Array(validate.warning_count).fill('Quoted references are deprecated'));

    const json = readFileSync(join(synthToDisk({ AWS_ENDPOINT_URL: undefined }), 'azure-id', 'cdk.tf.json'), 'utf8');
    const data = JSON.parse(json).resource.terraform_data;
    const whens = Object.values(data).flatMap((r: any) => (r.provisioner ?? []).map((p: any) => p['local-exec'].when));
    expect(whens.filter((when) => when !== undefined)).toEqual(Array(INSTANCE_NAMES.length).fill('destroy'));
    expect(json.match(/"when": "destroy"/g)).toHaveLength(INSTANCE_NAMES.length);
  });
});

describe('terraform plan against plain moto', () => {
  let moto: MotoServer;
  let workspace: TerraformWorkspace;

  beforeAll(async () => {
    moto = await MotoServer.start();
    workspace = TerraformWorkspace.create(moto.endpoint);
  });
  afterAll(() => moto?.stop());

  it.each(INSTANCE_NAMES)('%s plans every resource as a creation, in its own partition', async (name) => {
    await workspace.init(name);
    const plan = await workspace.plan(name);
    const changes = plan.resource_changes.map((c: any) => [c.type, c.change.actions.join(',')]);
    expect(changes.sort()).toEqual(
      [
        ['aws_identitystore_user', 'create'],
        ['aws_ssoadmin_account_assignment', 'create'],
        ['aws_ssoadmin_account_assignment', 'create'],
        ['aws_ssoadmin_instance_access_control_attributes', 'create'],
        ['aws_ssoadmin_managed_policy_attachment', 'create'],
        ['aws_ssoadmin_managed_policy_attachment', 'create'],
        ['aws_ssoadmin_permission_set', 'create'],
        ['aws_ssoadmin_permission_set', 'create'],
        ['aws_ssoadmin_permission_set', 'create'],
        ['aws_ssoadmin_permission_set_inline_policy', 'create'],
      ].sort(),
    );
    const partition = name === 'aws-govcloud' ? 'aws-us-gov' : 'aws';
    const attachment = plan.resource_changes.find((c: any) => c.type === 'aws_ssoadmin_managed_policy_attachment' && c.address.includes('AdministratorAccess'));
    expect(attachment.change.after.managed_policy_arn).toBe(`arn:${partition}:iam::aws:policy/AdministratorAccess`);
    expect(attachment.change.after.instance_arn).toMatch(new RegExp(`^arn:${partition}:sso:::instance/ssoins-`));
    expect(readFileSync(join(workspace.stackDir(name), 'cdk.tf.json'), 'utf8')).toContain('"use_fips_endpoint": false');
  });
});

describe('terraform plan of an access stack against the AWS emulator', () => {
  const instance = 'aws-commercial';
  const stack = `${instance}-access`;
  let emulator: AwsEmulator;
  let organization: BuiltOrganization;
  let workspace: TerraformWorkspace;

  /** The shipped config, with AWS-Base given BaseViewOnly on an OU and RegionalAdmin on the whole root (both partitions' other entries unchanged). */
  const accessOn = (workloads: string, root: string) => {
    const raw = structuredClone(rawConfig) as any;
    raw.identityCenter.access[instance] = [
      { group: 'AWS-Base', permissionSet: 'BaseViewOnly', organizationalUnits: [workloads] },
      { group: 'AWS-Base', permissionSet: 'RegionalAdmin', organizationalUnits: [root] },
    ];
    return raw;
  };

  beforeAll(async () => {
    // hashicorp/aws 5.100.0, the only provider here, reads an account's status alone: Organizations answers as
    // before 2026-09-09 (Status beside State) until the test below answers as AWS does since.
    emulator = await AwsEmulator.start({ accountStatusField: 'both' });
    const aws = { region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: emulatorAccessKey('aws'), secretAccessKey: 'emulator' } };
    organization = await buildOrganization(new OrganizationsClient(aws), { organizationalUnits: ['Workloads', 'Workloads/Prod', 'Sandbox'], accounts: 6, suspended: 2 });
    await provisionGroupByScim(aws, 'AWS-Base');
    workspace = TerraformWorkspace.create(emulator.endpoint, accessOn(organization.organizationalUnits.get('Workloads')!, organization.rootId));
    // The base stack first, as cdktf deploys it: its state holds the permission sets' ARNs the access stack reads.
    await workspace.init(instance);
    await workspace.apply(instance);
    await workspace.init(stack);
  }, 180_000);
  afterAll(() => emulator?.stop());

  const plannedAccounts = (plan: any, permissionSet: string) =>
    plan.resource_changes
      .filter((c: any) => c.type === 'aws_ssoadmin_account_assignment' && c.address.includes(`group_AWS-Base_${permissionSet}`))
      .map((c: any) => {
        expect(c.change.actions).toEqual(['create']);
        expect(c.index).toBe(c.change.after.target_id);
        return c.index;
      })
      .sort();

  it('plans one assignment per ACTIVE account under the OU, and under the root without the management account', async () => {
    const plan = await workspace.plan(stack);
    const underWorkloads = activeAccountsUnder(organization, 'Workloads');
    expect(underWorkloads.length).toBeGreaterThan(0);
    expect(plannedAccounts(plan, 'BaseViewOnly')).toEqual([...underWorkloads].sort());
    const members = organization.accounts.filter((a) => a.active).map((a) => a.id);
    expect(organization.accounts.some((a) => !a.active)).toBe(true);
    expect(plannedAccounts(plan, 'RegionalAdmin')).toEqual([...members].sort());
    expect(members).not.toContain(organization.managementAccountId);
    const groupIds = plan.resource_changes.filter((c: any) => c.type === 'aws_ssoadmin_account_assignment').map((c: any) => c.change.after.principal_id);
    expect(new Set(groupIds).size).toBe(1);
  });

  it('reads the permission sets from the base stack\'s state: no ListPermissionSets or DescribePermissionSet in the plan, and each ARN the base stack made', async () => {
    const mark = emulator.requests.mark();
    const plan = await workspace.plan(stack);
    const calls = emulator.requests.since(mark);
    const ssoAdmin = calls.filter((c) => c.service === 'sso-admin').map((c) => c.operation);
    expect(ssoAdmin).toContain('ListInstances');
    expect(ssoAdmin).not.toContain('ListPermissionSets');
    expect(ssoAdmin).not.toContain('DescribePermissionSet');
    expect(ssoAdmin).not.toContain('ListTagsForResource');
    const arns = JSON.parse((await workspace.run(instance, ['output', '-json', 'permission_set_arns'])).stdout);
    for (const permissionSet of ['BaseViewOnly', 'RegionalAdmin']) {
      const planned = plan.resource_changes.filter((c: any) => c.type === 'aws_ssoadmin_account_assignment' && c.address.includes(`group_AWS-Base_${permissionSet}`));
      expect(planned.length).toBeGreaterThan(0);
      for (const change of planned) expect(change.change.after.permission_set_arn).toBe(arns[permissionSet]);
    }
  });

  it('applies, and plans 0 changes afterwards, again without reading any permission set', async () => {
    await workspace.apply(stack, ['-parallelism=15']);
    const mark = emulator.requests.mark();
    const plan = await workspace.plan(stack);
    expect(plan.resource_changes.filter((c: any) => !c.change.actions.includes('no-op'))).toEqual([]);
    expect(plan.resource_changes.filter((c: any) => c.type === 'aws_ssoadmin_account_assignment').length).toBeGreaterThan(0);
    const operations = emulator.requests.since(mark).map((c) => c.operation);
    expect(operations).toContain('ListAccountAssignments');
    expect(operations).not.toContain('ListPermissionSets');
    expect(operations).not.toContain('DescribePermissionSet');
  }, 180_000);

  it('once Organizations answers without Status (AWS since 2026-09-09), stops the deploy with the upgrade message and deletes no assignment', async () => {
    const assignedInState = () => JSON.parse(readFileSync(join(workspace.dir, `terraform.${stack}.tfstate`), 'utf8')).resources.filter((r: any) => r.type === 'aws_ssoadmin_account_assignment').flatMap((r: any) => r.instances.map((i: any) => `${r.name}[${i.index_key}]`));
    const assigned = assignedInState();
    expect(assigned.length).toBeGreaterThan(0);
    emulator.answerAccountStatus('retired');
    try {
      const mark = emulator.requests.mark();
      // apply, as the deploy on merge auto-approves: the plan must stop before it could shrink the OUs to no account.
      const failed = await workspace.apply(stack).then(() => '', (error: Error) => error.message.replace(/\s+/g, ' '));
      expect(failed).toContain(UNKNOWN_ACCOUNT_STATE_MESSAGE);
      expect(emulator.requests.since(mark).map((c) => c.operation)).not.toContain('DeleteAccountAssignment');
      expect(assignedInState()).toEqual(assigned);
    } finally {
      emulator.answerAccountStatus('both');
    }
  }, 120_000);

  it('stops with a message naming a group that SCIM has not provisioned, and the step to run', async () => {
    const raw = accessOn(organization.organizationalUnits.get('Workloads')!, organization.rootId) as any;
    raw.identityCenter.access[instance].push({ group: 'AWS-Admins', permissionSet: 'BaseViewOnly', accounts: ['current'] });
    workspace.resynth(raw);
    await workspace.init(stack);
    // Terraform wraps the message; compare it as one line.
    const failed = await workspace.plan(stack).then(() => '', (error: Error) => error.message.replace(/\s+/g, ' '));
    expect(failed).toMatch(/Group "AWS-Admins" is not in the aws-commercial identity store as a group provisioned by SCIM/);
    expect(failed).toMatch(/run `npm run federation -- post-apply --instance aws-commercial` \(it provisions the assigned groups on demand\)/);
    expect(failed).not.toMatch(/Group "AWS-Base"/);
  });

  it('stops with a message naming a user the identity store does not hold, and the steps to run, not the provider\'s error', async () => {
    const raw = accessOn(organization.organizationalUnits.get('Workloads')!, organization.rootId) as any;
    raw.identityCenter.access[instance].push({ user: 'RichRoe', permissionSet: 'BaseViewOnly', accounts: ['current'] });
    workspace.resynth(raw);
    await workspace.init(stack);
    const failed = await workspace.plan(stack).then(() => '', (error: Error) => error.message.replace(/\s+/g, ' '));
    expect(failed).toContain('User "RichRoe" (UserName RichRoe@example.onmicrosoft.com) is not in the aws-commercial identity store.');
    expect(failed).toMatch(/run `npm run federation -- post-apply --instance aws-commercial`/);
    expect(failed).not.toMatch(/ResourceNotFoundException|no Identity Store User found/i);
  });

  it('stops before any assignment call when a user entry names by id the current account where the base stack assigns her the same permission set', async () => {
    const raw = accessOn(organization.organizationalUnits.get('Workloads')!, organization.rootId) as any;
    const current = (await new STSClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: emulatorAccessKey('aws'), secretAccessKey: 'emulator' } }).send(new GetCallerIdentityCommand({}))).Account!;
    raw.identityCenter.access[instance].push({ user: 'NikkiWolf', permissionSet: 'AdministratorAccess', accounts: [current] });
    workspace.resynth(raw);
    await workspace.init(stack);
    const mark = emulator.requests.mark();
    const failed = await workspace.apply(stack).then(() => '', (error: Error) => error.message.replace(/\s+/g, ' '));
    expect(failed).toContain(`config.ts gives user "NikkiWolf" permission set "AdministratorAccess" on the current account twice: in identityCenter.assignments (stack ${instance})`);
    expect(emulator.requests.since(mark).map((c) => c.operation).filter((o) => /^(Create|Delete)AccountAssignment$/.test(o))).toEqual([]);
  }, 120_000);

  it('stops before any assignment call, naming the base stack to deploy first, when the base stack\'s state has no ARN for a permission set an entry uses', async () => {
    // A config that adds a permission set and an entry using it, synthesized over the same state;
    // only the access stack is planned, so the base stack's applied state predates the new permission set.
    const raw = accessOn(organization.organizationalUnits.get('Workloads')!, organization.rootId) as any;
    raw.identityCenter.permissionSets.push({ name: 'AuditReadOnly', description: 'Security audit, added after the base stack was deployed', sessionDuration: 'PT1H', awsManagedPolicies: ['SecurityAudit'] });
    raw.identityCenter.access[instance].push({ group: 'AWS-Base', permissionSet: 'AuditReadOnly', accounts: ['current'] });
    workspace.resynth(raw);
    await workspace.init(stack);
    // The base stack's state as applied: read through terraform_remote_state's own backend, the file.
    const arns = JSON.parse(readFileSync(join(workspace.dir, `terraform.${instance}.tfstate`), 'utf8')).outputs.permission_set_arns.value;
    expect(Object.keys(arns)).toEqual(expect.arrayContaining(['BaseViewOnly', 'RegionalAdmin']));
    expect(arns).not.toHaveProperty('AuditReadOnly');
    const mark = emulator.requests.mark();
    // apply, not only plan: Terraform must stop at the plan and make no assignment call.
    const failed = await workspace.apply(stack).then(() => '', (error: Error) => error.message.replace(/\s+/g, ' '));
    expect(failed).toContain(
      `The state of ${instance} has no ARN for one of the permission sets BaseViewOnly, RegionalAdmin, AuditReadOnly (output permission_set_arns): deploy ${instance} first (npm run deploy deploys it before the access stacks), then plan ${stack} again.`,
    );
    expect(failed).toMatch(/Resource postcondition failed/);
    const operations = emulator.requests.since(mark).map((c) => c.operation);
    expect(operations).not.toContain('CreateAccountAssignment');
    expect(operations).not.toContain('DeleteAccountAssignment');
    expect(operations.filter((o) => /^(Create|Delete|Put|Attach|Detach|Provision|Update)/.test(o))).toEqual([]);
  }, 120_000);
});

describe('an access stack planned before its base stack was ever applied (local state, AWS emulator)', () => {
  let emulator: AwsEmulator;
  afterAll(() => emulator?.stop());

  it("stops with the product's message naming the base stack to deploy first, not Terraform's \"Unable to find remote state\"", async () => {
    emulator = await AwsEmulator.start();
    const workspace = TerraformWorkspace.create(emulator.endpoint);
    await workspace.init('aws-commercial-access');
    const mark = emulator.requests.mark();
    const failed = await workspace.plan('aws-commercial-access').then(() => '', (error: Error) => error.message.replace(/\s+/g, ' '));
    expect(failed).toContain('The state of aws-commercial has no ARN for one of the permission sets');
    expect(failed).toContain('deploy aws-commercial first (npm run deploy deploys it before the access stacks), then plan aws-commercial-access again.');
    expect(failed).not.toContain('Unable to find remote state');
    expect(emulator.requests.since(mark).filter((c) => /AccountAssignment/.test(c.operation))).toEqual([]);
  }, 120_000);
});

describe('an access stack reading its base stack\'s state from the S3 backend (AWS emulator, moto\'s S3)', () => {
  const instance = 'aws-commercial';
  const stack = `${instance}-access`;
  const raw = structuredClone(rawConfig) as any;
  raw.state.backend = 's3';
  raw.identityCenter.access[instance] = [{ group: 'AWS-Base', permissionSet: 'BaseViewOnly', accounts: ['current'] }];
  const { bucket } = raw.state.s3;
  let emulator: AwsEmulator;
  let workspace: TerraformWorkspace;

  beforeAll(async () => {
    emulator = await AwsEmulator.start();
    const aws = { region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: emulatorAccessKey('aws'), secretAccessKey: 'emulator' } };
    await new S3Client({ ...aws, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
    await provisionGroupByScim(aws, 'AWS-Base');
    // No -backend-config: the synthesized backend and remote state blocks as a real deploy has them.
    // Only the environment (the AWS_ENDPOINT_URL every test workspace sets) points them at the emulator.
    workspace = TerraformWorkspace.create(emulator.endpoint, raw);
    await workspace.init(instance);
    await workspace.init(stack);
  }, 180_000);
  afterAll(() => emulator?.stop());

  it("before the base stack's first apply, stops with the product's message, not Terraform's \"Unable to find remote state\"", async () => {
    const mark = emulator.requests.mark();
    const failed = await workspace.plan(stack).then(() => '', (error: Error) => error.message.replace(/\s+/g, ' '));
    expect(failed).toContain(`deploy ${instance} first (npm run deploy deploys it before the access stacks), then plan ${stack} again.`);
    expect(failed).not.toContain('Unable to find remote state');
    // The key was looked for, with the state profile's credentials, and nothing was written.
    const listed = emulator.requests.since(mark).filter((c) => c.service === 's3' && c.operation.startsWith(`GET /${bucket}`) && !c.operation.includes('.tfstate'));
    expect(listed.map((c) => c.caller)).toContain(emulatorAccessKey('aws'));
    expect(emulator.requests.since(mark).filter((c) => /AccountAssignment/.test(c.operation))).toEqual([]);
    await workspace.apply(instance);
  }, 120_000);

  it('plans each assignment with the ARN the base stack wrote to its S3 state, read from S3 by the access stack\'s plan', async () => {
    const baseKey = stateKey(raw.state, instance);
    const state = JSON.parse(await (await new S3Client({ region: 'us-east-1', endpoint: emulator.endpoint, forcePathStyle: true, credentials: { accessKeyId: emulatorAccessKey('aws'), secretAccessKey: 'emulator' } }).send(new GetObjectCommand({ Bucket: bucket, Key: baseKey }))).Body!.transformToString());
    const arn = state.outputs.permission_set_arns.value.BaseViewOnly;
    expect(arn).toMatch(/^arn:aws:sso:::.*\/ps-/);
    expect(existsSync(join(workspace.dir, `terraform.${instance}.tfstate`))).toBe(false);

    const mark = emulator.requests.mark();
    const plan = await workspace.plan(stack);
    const assignments = plan.resource_changes.filter((c: any) => c.type === 'aws_ssoadmin_account_assignment');
    expect(assignments.length).toBe(1);
    expect(assignments[0].change.after.permission_set_arn).toBe(arn);
    // Path style without being told: the endpoint's host is an IP address. Signed with the state profile's key.
    const reads = emulator.requests.since(mark).filter((c) => c.service === 's3' && c.operation === `GET /${bucket}/${baseKey}`);
    expect(reads.map((c) => c.caller)).toEqual([emulatorAccessKey('aws')]);
    // The product's remote state names no endpoint: the environment alone sent the read to the emulator.
    const remote = JSON.parse(readFileSync(join(workspace.stackDir(stack), 'cdk.tf.json'), 'utf8')).data.terraform_remote_state.base_state;
    expect(remote).toMatchObject({ backend: 's3', config: { bucket, key: baseKey, region: 'us-east-1', profile: 'aws-commercial', encrypt: true } });
    expect(JSON.stringify(remote)).not.toMatch(/endpoint|127\.0\.0\.1|path_style/);
  });
});
