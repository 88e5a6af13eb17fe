import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { rawConfig } from '../../config';
import { awsEmulatorEnv } from '../../local/harness/aws-emulator-env';
import { recordStoreFor, S3RecordStore, STATE_BUCKET_TIMEOUTS, stateBucketClient } from '../../scripts/deploy-record';
import { lockStoreFor } from '../../scripts/run-lock';
import { commercial, endpointEnv } from '../support/deploy-record';

const ROOT = join(__dirname, '../..');

/** A TCP server that accepts every connection and never answers: a hung endpoint. */
async function silentServer(): Promise<{ url: string; connections: () => number; close: () => void }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => sockets.length,
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}

/** The state in the S3 bucket, as a node -r preload sets it before config.ts is validated. */
function s3BackendPreload(work: string): string {
  const file = join(work, 's3-backend.js');
  writeFileSync(file, `require(${JSON.stringify(join(ROOT, 'config.ts'))}).rawConfig.state.backend = 's3';\n`);
  return file;
}

function start(argv: string[], env: NodeJS.ProcessEnv, preload?: string): { child: ChildProcess; ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> } {
  const child = spawn('node', ['-r', 'ts-node/register/transpile-only', ...(preload ? ['-r', preload] : []), 'scripts/federation.ts', ...argv], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, ended: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, output }))) };
}

/** A work folder with the federation context and aws-commercial's deploy record (what status, access, elevate and revoke read first). */
function envFor(url: string, work: string): NodeJS.ProcessEnv {
  copyFileSync(join(ROOT, 'federation.context.json'), join(work, 'federation.context.json'));
  mkdirSync(join(work, 'records'), { recursive: true });
  writeFileSync(join(work, 'records', 'aws-commercial.json'), JSON.stringify(commercial));
  return endpointEnv(url, work);
}

async function waitFor(what: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(what()).toBe(true);
}

describe('every command ends on the first SIGTERM or SIGINT, even inside a call that never returns', () => {
  let server: Awaited<ReturnType<typeof silentServer>>;
  beforeEach(async () => (server = await silentServer()));
  afterEach(() => server.close());

  it.each([
    ['status --instance aws-commercial', 'SIGTERM', 143],
    ['access --instance aws-commercial', 'SIGTERM', 143],
    ['lookup', 'SIGTERM', 143],
    ['leftovers', 'SIGTERM', 143],
    ['elevate --justification INC-1 --instance aws-commercial', 'SIGTERM', 143],
    ['revoke --instance aws-commercial', 'SIGTERM', 143],
    ['status --instance aws-commercial', 'SIGINT', 130],
    ['access --instance aws-commercial', 'SIGINT', 130],
  ] as const)('%s on %s exits %d at once', async (command, signal, exitCode) => {
    const work = mkdtempSync(join(tmpdir(), 'interrupt-'));
    const run = start(command.split(' '), envFor(server.url, work));
    await waitFor(() => server.connections() > 0, 20_000);
    const sent = Date.now();
    run.child.kill(signal);
    const { code, output } = await run.ended;
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(code).toBe(exitCode);
    expect(output).toContain(`interrupted (${signal})`);
    expect(output).not.toMatch(/\n\s+at /);
  }, 40_000);

  it('status with the records in an S3 bucket that never answers: exits 143 on SIGTERM', async () => {
    const work = mkdtempSync(join(tmpdir(), 'interrupt-'));
    const run = start(['status', '--instance', 'aws-govcloud'], envFor(server.url, work), s3BackendPreload(work));
    await waitFor(() => server.connections() > 0, 20_000);
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const { code } = await run.ended;
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(code).toBe(143);
  }, 40_000);
});

describe('the state bucket client (records and run locks) gives up on a call that never returns', () => {
  let server: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => (server = await silentServer()));
  afterAll(() => server.close());
  const state = { ...structuredClone(rawConfig.state), backend: 's3' as const };

  it('a record read fails within its time limit, naming it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'interrupt-'));
    const env = awsEmulatorEnv(work, server.url);
    const client: S3Client = stateBucketClient(state, env, { connectionTimeout: 300, requestTimeout: 500, maxAttempts: 2 });
    const started = Date.now();
    const store = new S3RecordStore(client, state.s3.bucket, 'prefix/records');
    await expect(store.read('aws-commercial')).rejects.toThrow(/timed out|timeout/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('the stores of the configured backend use a client with time limits', async () => {
    const work = mkdtempSync(join(tmpdir(), 'interrupt-'));
    const env = awsEmulatorEnv(work, server.url);
    for (const store of [recordStoreFor(state, work, env), lockStoreFor(state, work, env)]) {
      const handler = (store as unknown as { client: S3Client }).client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
      expect(await handler.configProvider).toMatchObject({ connectionTimeout: STATE_BUCKET_TIMEOUTS.connectionTimeout, requestTimeout: STATE_BUCKET_TIMEOUTS.requestTimeout, throwOnRequestTimeout: true });
    }
  });
});
