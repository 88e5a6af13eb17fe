import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { AwsEmulator } from '../../local/emulators/aws';
import { awsEmulatorEnv } from '../../local/harness/aws-emulator-env';
import { writeMirrorCliConfig } from '../../local/harness/terraform';
import { REHEARSAL_ENDPOINT_CONTEXT } from '../../app-model/fips';

const root = join(__dirname, '../..');
// What a checkout holds; not what a run leaves behind.
const LEFT_BEHIND = new Set(['node_modules', 'cdktf.out', '.git', '.tmp', '.federation']);

/** The workstation path: `cdktf deploy` and `cdktf destroy` as a person runs them, in a copy of the project. */
describe('cdktf deploy and destroy of the AWS stacks from a workstation', () => {
  let emulator: AwsEmulator;
  const project = join(mkdtempSync(join(tmpdir(), 'workstation-')), 'project');
  let env: NodeJS.ProcessEnv;
  const cdktf = (args: string[]) =>
    promisify(execFile)(join(project, 'node_modules/.bin/cdktf'), [...args, '--auto-approve', '--skip-provider-lock'], { cwd: project, env, maxBuffer: 64 * 1024 * 1024, timeout: 150_000 });

  beforeAll(async () => {
    cpSync(root, project, { recursive: true, filter: (path) => !LEFT_BEHIND.has(basename(path)) && !path.endsWith('.tfstate') });
    symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'));
    emulator = await AwsEmulator.start();
    // The one explicit way to point the stacks at an emulator (GovCloud's FIPS endpoints off): the app context, here in the copy's cdktf.json.
    const cdktfJson = join(project, 'cdktf.json');
    writeFileSync(cdktfJson, JSON.stringify({ ...JSON.parse(readFileSync(cdktfJson, 'utf8')), context: { [REHEARSAL_ENDPOINT_CONTEXT]: emulator.endpoint } }, null, 2));
    const dir = mkdtempSync(join(tmpdir(), 'workstation-env-'));
    // --skip-provider-lock: `terraform providers lock` asks the registry, which this offline machine cannot reach.
    env = { ...process.env, ...awsEmulatorEnv(dir, emulator.endpoint), TF_CLI_CONFIG_FILE: writeMirrorCliConfig(dir), CHECKPOINT_DISABLE: '1', CI: 'true' };
  });
  afterAll(() => emulator?.stop());

  /** How many resources the synthesized stack declares: what one apply creates and one destroy removes. */
  const resourcesIn = (stack: string): number => {
    const { resource } = JSON.parse(readFileSync(join(project, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    return Object.values(resource as Record<string, object>).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
  };

  it('deploys both stacks in the project root state, then destroys them, leaving nothing', async () => {
    const deployed = await cdktf(['deploy', ...INSTANCE_NAMES]).catch((error) => Promise.reject(new Error(`${error.message}\n${String(error.stdout ?? '').split('\n').filter((line) => /Error/.test(line)).join('\n')}`)));
    const counts = INSTANCE_NAMES.map(resourcesIn);
    for (const count of counts) expect(deployed.stdout).toContain(`Apply complete! Resources: ${count} added, 0 changed, 0 destroyed.`);
    for (const stack of INSTANCE_NAMES) expect(existsSync(join(project, `terraform.${stack}.tfstate`))).toBe(true);
    // One stack per command: cdktf-cli 0.21.0 given several stacks and --ignore-missing-stack-dependencies
    // starts `terraform destroy` of the first unfinished stack again and again (seen here).
    for (const stack of INSTANCE_NAMES) {
      const destroyed = await cdktf(['destroy', stack, '--ignore-missing-stack-dependencies']);
      expect(destroyed.stdout).toContain(`Destroy complete! Resources: ${resourcesIn(stack)} destroyed.`);
    }
    expect(emulator.leftovers()).toEqual({ provisioningTenants: 0, bearerTokens: 0, scimObjects: 0, externalIdps: 0 });
  }, 360_000);
});
