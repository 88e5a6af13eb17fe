import { execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isRunning } from '../../scripts/interruption';
import { Provisioner } from './entra-deployer';
import { ScanSource } from './secret-scan';

/**
 * How a run is cut short (a fault of the rehearsal): `signal` sends SIGINT to the provisioner's
 * whole process group, as Ctrl-C in a terminal does; `kill-shell` kills only its shell, as
 * Terraform cancels a local-exec (Go's exec.CommandContext kills the one process it started).
 */
export interface Interruption {
  readonly after: (line: string) => boolean;
  readonly how: 'signal' | 'kill-shell';
}

export interface ProvisionerRun {
  /** Each line the federation script prints (its labelled steps), as it arrives. */
  readonly onLine: (line: string) => void;
  readonly interrupt?: Interruption;
  /** Receives the run's environment and its whole output, for the rehearsal's secret scan. */
  readonly transcript?: ScanSource[];
}

/** How long an interrupted run may take to notice and end; it checks its parents every 0.5 s. */
const STOP_WITHIN_MS = 5000;

/**
 * Runs a federation link's provisioner as Terraform's local-exec does: the command through the
 * shell, in its working_dir relative to the stack's folder, with the input as FEDERATION_INPUT.
 * The shell leads its own process group, so after an interruption every process it started can
 * be found and none may survive.
 */
export function runProvisioner(stackDir: string, provisioner: Provisioner, input: Record<string, unknown>, run: ProvisionerRun): Promise<void> {
  const env = { ...process.env, FEDERATION_INPUT: JSON.stringify(input) };
  run.transcript?.push({ name: `environment of "${provisioner.command}"`, text: JSON.stringify(env) });
  const child = spawn('sh', ['-c', provisioner.command], {
    cwd: resolve(join(stackDir), provisioner.working_dir),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  let group: number[] | undefined;
  const collect = (line: string) => {
    lines.push(line);
    run.onLine(line);
    if (!group && run.interrupt?.after(line)) {
      group = processGroup(child.pid!);
      if (run.interrupt.how === 'signal') process.kill(-child.pid!, 'SIGINT');
      else child.kill('SIGKILL');
    }
  };
  createInterface({ input: child.stdout }).on('line', collect);
  createInterface({ input: child.stderr }).on('line', collect);
  return new Promise((done, fail) => {
    child.on('error', fail);
    // After an interruption, judge from the shell's exit: a survivor holds the output pipes open, so 'close' may never come.
    child.on('exit', async () => {
      if (group) fail(new Error(`local-exec provisioner "${provisioner.command}" was interrupted (${run.interrupt!.how === 'signal' ? 'SIGINT to its process group' : 'its shell killed'}); ${await survivors(group)}:\n${lines.slice(-5).join('\n')}`));
    });
    child.on('close', (code, signal) => {
      run.transcript?.push({ name: `output of "${provisioner.command}"`, text: lines.join('\n') });
      if (group) return;
      if (code === 0) return done();
      fail(new Error(`local-exec provisioner "${provisioner.command}" ${signal ? `was interrupted (${signal})` : `exited ${code}`}:\n${lines.slice(-5).join('\n')}`));
    });
  });
}

/** The processes of a group (the shell, npm, the federation script). */
function processGroup(pgid: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,pgid='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((row) => row.trim().split(/\s+/).map(Number))
    .filter(([pid, group]) => group === pgid && pid !== undefined)
    .map(([pid]) => pid);
}

/** Waits for every process of the interrupted run to end; any still running is named and killed. */
async function survivors(pids: number[]): Promise<string> {
  const deadline = Date.now() + STOP_WITHIN_MS;
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const alive = pids.filter(isRunning);
  alive.forEach((pid) => process.kill(pid, 'SIGKILL'));
  return alive.length ? `processes ${alive.join(', ')} survived it for ${STOP_WITHIN_MS / 1000} s` : 'no process of it survived';
}
