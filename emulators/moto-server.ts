import { ChildProcess } from 'node:child_process';
import { freePort, startProcess, stopProcess, waitUntil } from '../tooling/processes';

/** moto (a real third-party AWS emulator) on a free loopback port, owned by whoever started it. */
export class MotoServer {
  private constructor(
    readonly endpoint: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(command = 'moto_server'): Promise<MotoServer> {
    const port = await freePort();
    const child = startProcess(command, ['-H', '127.0.0.1', '-p', String(port)]);
    const output: string[] = [];
    child.stdout?.on('data', (chunk) => output.push(String(chunk)));
    child.stderr?.on('data', (chunk) => output.push(String(chunk)));
    const server = new MotoServer(`http://127.0.0.1:${port}`, child);
    try {
      await waitUntil(`moto answers on port ${port}`, async () => {
        if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output.join('').slice(-500)}`);
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
