import { ChildProcess } from 'node:child_process';
import { freePort, startProcess, stopProcess, waitUntil } from '../harness/processes';

// moto's own server entry point, plus a guard: when the process that started moto dies, even by
// SIGKILL, moto's stdin closes and moto exits, so no test or run leaves it behind.
const GUARDED_MOTO = [
  'import os, sys, threading',
  'threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

/** moto (a real third-party AWS emulator) on a free loopback port, owned by whoever started it. */
export class MotoServer {
  private constructor(
    readonly endpoint: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(python = 'python3'): Promise<MotoServer> {
    const port = await freePort();
    const child = startProcess(python, ['-c', GUARDED_MOTO, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout?.on('data', (chunk) => output.push(String(chunk)));
    child.stderr?.on('data', (chunk) => output.push(String(chunk)));
    const server = new MotoServer(`http://127.0.0.1:${port}`, child);
    try {
      await waitUntil(`moto answers on port ${port}`, async () => {
        if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode} (is moto[server] installed for ${python}?): ${output.join('').slice(-500)}`);
        return (await fetch(`${server.endpoint}/moto-api/data.json`)).ok;
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything moto holds, as its own API reports it. */
  async data(): Promise<Record<string, Record<string, unknown>>> {
    return (await fetch(`${this.endpoint}/moto-api/data.json`)).json() as Promise<Record<string, Record<string, unknown>>>;
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }
}
