import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTANCE_NAMES } from '../config-schema';
import { MotoServer } from '../emulators/moto-server';
import { awsEmulatorEnv } from '../tooling/aws-emulator-env';
import { terraform, terraformOk, writeMirrorCliConfig } from '../tooling/terraform';
import { describeWithTools } from './support/tools';
import { synthToDisk } from './support/synth-to-disk';

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

describeWithTools(['terraform', 'moto_server', 'mirror'], 'terraform plan against moto', () => {
  let moto: MotoServer;
  let env: NodeJS.ProcessEnv;
  let stacks: string;

  beforeAll(async () => {
    moto = await MotoServer.start();
    const work = mkdtempSync(join(tmpdir(), 'tf-plan-'));
    const awsEnv = awsEmulatorEnv(work, moto.endpoint);
    env = { ...process.env, ...awsEnv, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(work) };
    stacks = synthToDisk(awsEnv);
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it.each(INSTANCE_NAMES)('%s plans every resource as a creation, in its own partition', async (name) => {
    const dir = join(stacks, name);
    await terraformOk(['init', '-input=false'], dir, env);
    const plan = await terraform(['plan', '-input=false', '-detailed-exitcode', '-out=plan.bin'], dir, env);
    expect(plan.stderr).toBe('');
    expect(plan.exitCode).toBe(2); // 2: the plan has changes
    const shown = JSON.parse((await terraformOk(['show', '-json', 'plan.bin'], dir, env)).stdout);

    const changes = shown.resource_changes.map((c: any) => [c.type, c.change.actions.join(',')]);
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
    const attachment = shown.resource_changes.find((c: any) => c.type === 'aws_ssoadmin_managed_policy_attachment');
    expect(attachment.change.after.managed_policy_arn).toBe(`arn:${partition}:iam::aws:policy/AdministratorAccess`);
    expect(attachment.change.after.instance_arn).toMatch(new RegExp(`^arn:${partition}:sso:::instance/ssoins-`));
    expect(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')).toContain('"use_fips_endpoint": false');
  });
});
