import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { rawConfig } from '../../config';
import { ConfigError } from '../../app-config/schema';
import { parseRehearsalArgs, preflight, UsageError } from '../../local/rehearsal/cli';

const ROOT = join(__dirname, '../..');

/** Runs a command-line entry point as a person would, without a terminal. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = process.env, preload?: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('node', ['-r', 'ts-node/register/transpile-only', ...(preload ? ['-r', preload] : []), script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('npm start: usage errors print the usage', () => {
  it.each([
    [['--fault'], /Option '--fault <value>' argument missing/],
    [['--faults', 'throttle'], /Unknown option '--faults'/],
    [['throttle'], /Unexpected argument 'throttle'/],
    [['--fault', 'flood'], /unknown fault flood; use one of throttle/],
  ])('%j', (argv, message) => {
    expect(() => parseRehearsalArgs(argv)).toThrow(UsageError);
    expect(() => parseRehearsalArgs(argv)).toThrow(message);
    expect(() => parseRehearsalArgs(argv)).toThrow(/\nusage: npm start \[-- --fault </);
  });

  it('checks config.ts before starting anything', () => {
    const bad = structuredClone(rawConfig) as any;
    bad.entra.shortName = 'azure id';
    expect(() => preflight([], bad)).toThrow(ConfigError);
  });

  it('prints no stack trace and exits 2', async () => {
    const { code, output } = await run('local/rehearsal/cli.ts', ['--fault']);
    expect(code).toBe(2);
    expect(output).toMatch(/usage: npm start/);
    expect(output).not.toMatch(/\n\s+at /);
  }, 30_000);
});

/** A node -r preload that breaks config.ts the way a typo would, before the command validates it. */
function badConfigPreload(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bad-config-')), 'bad-config.js');
  writeFileSync(file, `require(${JSON.stringify(join(ROOT, 'config.ts'))}).rawConfig.entra.shortName = 'azure id';\n`);
  return file;
}

describe('an invalid config.ts: the message, no stack trace, exit 1', () => {
  it.each([
    ['npm run ci', 'scripts/ci/cli.ts', ['stacks']],
    ['npm run permissions', 'scripts/permissions/generate.ts', ['--check']],
  ])('%s', async (_name, script, args) => {
    const { code, output } = await run(script, args, process.env, badConfigPreload());
    expect(output).toContain('Invalid configuration in config.ts:');
    expect(output).toMatch(/entra\.shortName/);
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toMatch(/ConfigError/);
    expect(code).toBe(1);
  }, 60_000);
});

describe('npm run emulator (AWS and Entra): a port in use, or not a port', () => {
  it.each([['local/emulators/cli.ts'], ['local/emulators/aws/cli.ts']])('%s names a port in use and how to choose another', async (script) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const { code, output } = await run(script, [], { ...process.env, EMULATOR_PORT: String(port) });
      expect(output).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(output).toMatch(/choose another port with EMULATOR_PORT=<port> npm run emulator/);
      expect(output).not.toMatch(/\n\s+at /);
      expect(code).toBe(1);
    } finally {
      taken.close();
    }
  }, 60_000);

  it.each([['local/emulators/cli.ts'], ['local/emulators/aws/cli.ts']])('%s refuses EMULATOR_PORT=abc in one sentence before starting anything', async (script) => {
    for (const value of ['abc', '70000', '1.5', '-1']) {
      const started = Date.now();
      const { code, output } = await run(script, [], { ...process.env, EMULATOR_PORT: value });
      expect(output).toContain(`EMULATOR_PORT=${value} is not a TCP port: give a whole number from 1 to 65535, or leave EMULATOR_PORT unset to take a free one.`);
      expect(output).not.toMatch(/moto|ready/i);
      expect(code).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  }, 90_000);
});
