import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { AwsEmulator } from '../../local/emulators/aws';
import { awsEmulatorEnv } from '../../local/harness/aws-emulator-env';
import { writeMirrorCliConfig } from '../../local/harness/terraform';
import { describeWithTools } from '../support/tools';

const root = join(__dirname, '../..');
// What a checkout holds; not what a run leaves behind.
const LEFT_BEHIND = new Set(['node_modules', 'cdktf.out', '.git', '.tmp', '.federation']);

/** The workstation path: `cdktf deploy` and `cdktf destroy` as a person runs them, in a copy of the project. */
describeWithTools(['terraform', 'moto_server', 'mirror'], 'cdktf deploy and destroy of the AWS stacks from a workstation', () => {
  let emulator: AwsEmulator;
  const project = join(mkdtempSync(join(tmpdir(), 'workstation-')), 'project');
  let env: NodeJS.ProcessEnv;
  const cdktf = (args: string[]) =>
    promisify(execFile)(join(project, 'node_modules/.bin/cdktf'), [...args, '--auto-approve', '--skip-provider-lock'], { cwd: project, env, maxBuffer: 64 * 1024 * 1024, timeout: 150_000 });

  beforeAll(async () => {
    cpSync(root, project, { recursive: true, filter: (path) => !LEFT_BEHIND.has(basename(path)) && !path.endsWith('.tfstate') });
    symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'));
    emulator = await AwsEmulator.start();
    const dir = mkdtempSync(join(tmpdir(), 'workstation-env-'));
    // --skip-provider-lock: `terraform providers lock` asks the registry, which this offline machine cannot reach.
    env = { ...process.env, ...awsEmulatorEnv(dir, emulator.endpoint), TF_CLI_CONFIG_FILE: writeMirrorCliConfig(dir), CHECKPOINT_DISABLE: '1', CI: 'true' };
  });
  afterAll(() => emulator?.stop());

  it('deploys both stacks in the project root state, then destroys them, leaving nothing', async () => {
    const deployed = await cdktf(['deploy', ...INSTANCE_NAMES]);
    expect(deployed.stdout.match(/Apply complete! Resources: 8 added, 0 changed, 0 destroyed\./g)).toHaveLength(2);
    for (const stack of INSTANCE_NAMES) expect(existsSync(join(project, `terraform.${stack}.tfstate`))).toBe(true);
    // One stack per command: cdktf-cli 0.21.0 given several stacks and --ignore-missing-stack-dependencies
    // starts `terraform destroy` of the first unfinished stack again and again (seen here).
    for (const stack of INSTANCE_NAMES) {
      const destroyed = await cdktf(['destroy', stack, '--ignore-missing-stack-dependencies']);
      expect(destroyed.stdout).toMatch(/Destroy complete! Resources: 8 destroyed\./);
    }
    expect(emulator.leftovers()).toEqual({ provisioningTenants: 0, bearerTokens: 0, scimObjects: 0, externalIdps: 0 });
  }, 240_000);
});
