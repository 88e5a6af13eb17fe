import { ChildProcessByStdio, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { resolve } from 'node:path';
import { isRunning } from '../../local/harness/processes';

describe('npm run emulator', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints AWS_ENDPOINT_URL, answers as AWS, and stops itself and moto on %s', async (signal) => {
    const child = spawn('npm', ['run', '--silent', 'emulator'], { cwd: resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      await expectServesAndStops(child, exited, signal);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

async function expectServesAndStops(child: ChildProcessByStdio<null, Readable, Readable>, exited: Promise<number | null>, signal: NodeJS.Signals): Promise<void> {
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const [line] = await new Promise<string[]>((done) => createInterface({ input: child.stdout }).once('line', (l) => done([l])));
    expect(line).toMatch(/^AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+$/);

    const sts = new STSClient({ region: 'us-east-1', endpoint: line.split('=')[1], credentials: { accessKeyId: 'AKIAEMULATORTEST', secretAccessKey: 'emulator' } });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');

    const motoPid = Number(/moto \(pid (\d+)\)/.exec(stderr)?.[1]);
    expect(isRunning(motoPid)).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(isRunning(motoPid)).toBe(false);
}
