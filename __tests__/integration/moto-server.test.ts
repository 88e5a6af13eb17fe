import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { MotoServer } from '../../local/emulators/moto-server';
import { isRunning, waitUntil } from '../../local/harness/processes';

describe('moto server', () => {
  it('starts on a free loopback port and stops by its own process id', async () => {
    const moto = await MotoServer.start();
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${moto.endpoint}/moto-api/data.json`)).ok).toBe(true);
    await moto.stop();
    expect(isRunning(moto.pid!)).toBe(false);
  });

  it('is not left running when the process that started it is killed outright', async () => {
    const script = "require('./local/emulators/moto-server').MotoServer.start().then((m) => console.log(m.pid))";
    const owner = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    const motoPid = Number(await new Promise<string>((done) => createInterface({ input: owner.stdout }).once('line', done)));
    expect(isRunning(motoPid)).toBe(true);
    owner.kill('SIGKILL');
    await waitUntil(`moto (pid ${motoPid}) exits after its owner was killed`, async () => !isRunning(motoPid), 10000);
  });
});
