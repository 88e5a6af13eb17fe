import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { rawConfig } from '../../config';
import { ConfigError } from '../../app-config/schema';
import { parseRehearsalArgs, preflight, UsageError } from '../../local/rehearsal/cli';

const ROOT = join(__dirname, '../..');

/** Runs a command-line entry point as a person would, without a terminal. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; output: string }> {
  const child = spawn('node', ['-r', 'ts-node/register/transpile-only', script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('npm run emulator: a port in use', () => {
  it('names the port and how to choose another', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const { code, output } = await run('local/emulators/aws/cli.ts', [], { ...process.env, EMULATOR_PORT: String(port) });
      expect(output).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(output).toMatch(/choose another port with EMULATOR_PORT=<port> npm run emulator/);
      expect(code).toBe(1);
    } finally {
      taken.close();
    }
  }, 60_000);
});
