import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTANCE_NAMES } from '../config-schema';
import { MotoServer } from '../emulators/moto-server';
import { synthToDisk } from '../tooling/synth';
import { terraformOk, writeMirrorCliConfig } from '../tooling/terraform';
import { TerraformWorkspace } from '../tooling/terraform-workspace';
import { describeWithTools } from './support/tools';

describeWithTools(['terraform', 'mirror'], 'terraform init + validate through the offline mirror', () => {
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

describeWithTools(['terraform', 'mirror'], 'the exit from CDKTF: cdktf synth --hcl', () => {
  const work = mkdtempSync(join(tmpdir(), 'tf-hcl-'));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(work), CHECKPOINT_DISABLE: '1', AWS_ENDPOINT_URL: undefined };
  let stacks: string;

  beforeAll(async () => {
    // The real CLI, as a person leaving CDKTF would run it.
    await promisify(execFile)(join(__dirname, '..', 'node_modules/.bin/cdktf'), ['synth', '--hcl', '--output', join(work, 'out')], { cwd: join(__dirname, '..'), env });
    stacks = join(work, 'out', 'stacks');
  }, 120_000);

  it.each(INSTANCE_NAMES)('%s as HCL is valid Terraform, with no JSON beside it', async (name) => {
    const dir = join(stacks, name);
    expect(existsSync(join(dir, 'cdk.tf'))).toBe(true);
    expect(existsSync(join(dir, 'cdk.tf.json'))).toBe(false);
    await terraformOk(['init', '-input=false', '-backend=false'], dir, env);
    const validate = JSON.parse((await terraformOk(['validate', '-json'], dir, env)).stdout);
    expect(validate).toMatchObject({ valid: true, error_count: 0 });
    // What is left are warnings about quoted depends_on references, which CDKTF writes in HCL.
    expect(validate.diagnostics.map((d: { summary: string }) => d.summary)).toEqual(Array(validate.warning_count).fill('Quoted references are deprecated'));
    expect(readFileSync(join(dir, 'cdk.tf'), 'utf8')).toContain('resource "aws_ssoadmin_account_assignment"');
  });
});

describeWithTools(['terraform', 'moto_server', 'mirror'], 'terraform plan against plain moto', () => {
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
        ['aws_ssoadmin_permission_set', 'create'],
        ['aws_ssoadmin_permission_set', 'create'],
        ['aws_ssoadmin_permission_set_inline_policy', 'create'],
      ].sort(),
    );
    const partition = name === 'aws-govcloud' ? 'aws-us-gov' : 'aws';
    const attachment = plan.resource_changes.find((c: any) => c.type === 'aws_ssoadmin_managed_policy_attachment');
    expect(attachment.change.after.managed_policy_arn).toBe(`arn:${partition}:iam::aws:policy/AdministratorAccess`);
    expect(attachment.change.after.instance_arn).toMatch(new RegExp(`^arn:${partition}:sso:::instance/ssoins-`));
    expect(readFileSync(join(workspace.stackDir(name), 'cdk.tf.json'), 'utf8')).toContain('"use_fips_endpoint": false');
  });
});
