import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { rawConfig } from '../../config';
import { ConfigError } from '../../app-config/schema';
import { NoTerminalError, terminalPrompt } from '../../scripts/clients/operator-prompt';
import { main, parseInvocation, UsageError } from '../../scripts/federation';
import { isRunning } from '../../scripts/interruption';
import { commercial, endpointEnv } from '../support/deploy-record';

const ROOT = join(__dirname, '../..');
// The federation link's input of aws-commercial, with one user provisioned by SCIM and one signing in by SAML.
const { groups: _groups, jitClientId: _jitClientId, ...recorded } = commercial.input;
const INPUT = {
  ...recorded,
  scimUsers: [{ userName: 'RichRoe', objectId: '3c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', userPrincipalName: 'RichRoe@contoso.onmicrosoft.com' }],
  samlUsers: [{ userName: 'NikkiWolf', objectId: '4c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', userPrincipalName: 'NikkiWolf@contoso.onmicrosoft.com' }],
};

/** A server that counts requests and, when told, never answers them (a step stuck in a call). */
async function endpoint(hang: boolean): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    if (!hang) res.writeHead(500).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, server };
}

function envFor(url: string, work: string): NodeJS.ProcessEnv {
  return { ...endpointEnv(url, work), FEDERATION_INPUT: JSON.stringify(INPUT) };
}

const badConfig = () => {
  const copy = structuredClone(rawConfig) as any;
  copy.aws['aws-commercial'].region = 'us-gov-west-1';
  copy.users[0].givenName = '';
  return copy;
};

describe('federation command line', () => {
  it.each([
    [['post-apply', '--instance', 'aws-commercial', '--force'], /Unknown option '--force'/],
    [['post-apply', '--instance'], /Option '--instance <value>' argument missing/],
    [['status', 'now'], /unexpected "now" after status/],
  ])('%j is a usage error that prints the usage', (argv, message) => {
    let error: unknown;
    try {
      parseInvocation(argv, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/\nusage: npm run federation -- /);
  });

  describe('elevate and revoke (npm run elevate / revoke)', () => {
    it.each([['1h'], ['one hour'], ['PT0S'], ['P0D'], ['PT0H0M'], ['PT'], ['P'], ['']])('--duration %j is refused before any call', (duration) => {
      expect(() => parseInvocation(['elevate', '--justification', 'INC-1', '--duration', duration], {})).toThrow(UsageError);
      expect(() => parseInvocation(['elevate', '--justification', 'INC-1', '--duration', duration], {})).toThrow(/--duration .*ISO 8601 .*PT1H/);
    });

    it('accepts an ISO 8601 duration above zero', () => {
      for (const duration of ['PT1H', 'PT30M', 'PT1H30M', 'PT0.5S', 'P1D']) expect(parseInvocation(['elevate', '--duration', duration], {}).jit).toMatchObject({ duration });
    });

    it('--instance names the one instance elevate and revoke change, and must be one of them', () => {
      expect(parseInvocation(['elevate', '--instance', 'aws-govcloud'], {}).jit).toMatchObject({ instance: 'aws-govcloud' });
      expect(parseInvocation(['revoke', '--instance', 'aws-commercial'], {}).jit).toMatchObject({ instance: 'aws-commercial' });
      expect(parseInvocation(['revoke'], {}).jit?.instance).toBeUndefined();
      expect(() => parseInvocation(['revoke', '--instance', 'aws-elsewhere'], {})).toThrow(/--instance must be one of aws-commercial, aws-govcloud/);
    });
  });

  describe('validates config.ts before any call, at every entry point', () => {
    let server: Awaited<ReturnType<typeof endpoint>>;
    beforeAll(async () => (server = await endpoint(false)));
    afterAll(() => server.server.close());

    it.each([['lookup'], ['status'], ['rotate-token', '--instance', 'aws-commercial'], ['post-apply', '--instance', 'aws-commercial']])('%s', async (...argv) => {
      const work = mkdtempSync(join(tmpdir(), 'federation-cli-'));
      const run = main(argv, envFor(server.url, work), { print: () => undefined, rawConfig: badConfig() });
      await expect(run).rejects.toBeInstanceOf(ConfigError);
      // Whole: every problem, not only the first line.
      await expect(run).rejects.toThrow(/aws\.aws-commercial\.region: us-gov-west-1 is not in partition aws.*\n.*users\.0\.givenName/);
      expect(server.hits()).toBe(0);
      expect(existsSync(join(work, 'federation.context.json'))).toBe(false);
    });
  });

  describe('--manual without a terminal', () => {
    it('refuses at once, saying a local-exec has no terminal', () => {
      expect(() => terminalPrompt(new PassThrough())).toThrow(NoTerminalError);
      expect(() => terminalPrompt(new PassThrough())).toThrow(/this run has none \(a Terraform local-exec provisioner never has one\)/);
    });

    it('stops with a non-zero exit before any call when run as a provisioner runs it', async () => {
      const server = await endpoint(false);
      const work = mkdtempSync(join(tmpdir(), 'federation-cli-'));
      const { code, output } = await runScript(['post-apply', '--instance', 'aws-commercial', '--manual'], envFor(server.url, work)).ended;
      server.server.close();
      expect(output).toMatch(/--manual asks the operator .* this run has none \(a Terraform local-exec provisioner never has one\)/);
      expect(code).not.toBe(0);
      expect(server.hits()).toBe(0);
    }, 30_000);
  });

  describe('stops when interrupted, inside a step, and releases the run lock', () => {
    let server: Awaited<ReturnType<typeof endpoint>>;
    beforeEach(async () => (server = await endpoint(true)));
    afterEach(() => {
      server.server.closeAllConnections();
      server.server.close();
    });

    it('on SIGTERM: exits 143 and says how to continue', async () => {
      const work = mkdtempSync(join(tmpdir(), 'federation-cli-'));
      const child = runScript(['post-apply', '--instance', 'aws-commercial'], envFor(server.url, work));
      await stuckInAStep(server);
      child.process.kill('SIGTERM');
      const { code, output } = await child.ended;
      expect(output).toMatch(/\[aws-commercial\] post-apply interrupted \(SIGTERM\): stopped\. .* running "post-apply" again continues/);
      expect(code).toBe(143);
      expect(existsSync(join(work, 'records', 'aws-commercial.lock'))).toBe(false);
    }, 30_000);

    it('when its shell is killed (how Terraform cancels a local-exec): the script does not live on', async () => {
      const work = mkdtempSync(join(tmpdir(), 'federation-cli-'));
      const pidFile = join(work, 'pid');
      // "; true" keeps sh from exec-ing node: node is the shell's child, as under npm.
      const shell = spawn('sh', ['-c', `${scriptCommand(['post-apply', '--instance', 'aws-commercial'])} & echo $! > ${pidFile}; wait; true`], { cwd: ROOT, env: envFor(server.url, work), stdio: ['ignore', 'pipe', 'pipe'] });
      shell.stdout!.resume();
      shell.stderr!.resume();
      await stuckInAStep(server);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      shell.kill('SIGKILL');
      const deadline = Date.now() + 5000;
      while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const survived = isRunning(pid);
      if (survived) process.kill(pid, 'SIGKILL');
      expect(survived).toBe(false);
      expect(existsSync(join(work, 'records', 'aws-commercial.lock'))).toBe(false);
    }, 30_000);
  });

  it('a second run stops while the first holds the lock, naming it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'federation-cli-'));
    const since = new Date().toISOString();
    mkdirSync(join(work, 'records'), { recursive: true });
    writeFileSync(join(work, 'records', 'aws-commercial.lock'), JSON.stringify({ command: 'pre-destroy', pid: process.pid, host: hostname(), since }));
    const server = await endpoint(false);
    await expect(main(['post-apply', '--instance', 'aws-commercial'], envFor(server.url, work), { print: () => undefined, lockWaitMs: 0 })).rejects.toThrow(
      `pre-destroy for aws-commercial is already running since ${since}, pid ${process.pid}, host ${hostname()}`,
    );
    server.server.close();
    expect(server.hits()).toBe(0);
  });
});

function scriptCommand(argv: string[]): string {
  return `node -r ts-node/register/transpile-only scripts/federation.ts ${argv.join(' ')}`;
}

/** The script as a provisioner runs it: no terminal (stdin /dev/null), output collected. */
function runScript(argv: string[], env: NodeJS.ProcessEnv): { process: ChildProcess; ended: Promise<{ code: number | null; output: string }> } {
  const child = spawn('node', ['-r', 'ts-node/register/transpile-only', 'scripts/federation.ts', ...argv], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { process: child, ended: new Promise((resolve) => child.on('close', (code) => resolve({ code, output }))) };
}

/** Waits until the run has sent its first request, which the server never answers. */
async function stuckInAStep(server: { hits: () => number }): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (server.hits() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(server.hits()).toBeGreaterThan(0);
}
