/**
 * When to stop a federation run before it ends: a signal (Ctrl-C reaches the whole foreground
 * process group; `kill` or a CI cancel sends SIGTERM), or an ancestor gone. A killed provisioner
 * shell leaves `npm` and this script running as orphans unless they notice (they were seen to run
 * on for minutes), so they watch their ancestors. unverified: that Terraform cancels a local-exec
 * by killing only its shell (Go's exec.CommandContext) and gives it /dev/null as stdin, which is
 * why end-of-input is not used as the parent's death.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Why a run stopped early, and the exit code a shell expects for it (128 + signal number). */
export class Interrupted extends Error {
  constructor(
    readonly reason: string,
    readonly exitCode: number,
  ) {
    super(`interrupted (${reason})`);
    this.name = 'Interrupted';
  }
}

const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** Aborts on SIGHUP, SIGINT or SIGTERM; a second signal ends the process at once. */
export function abortOnSignals(controller: AbortController, exit: (code: number) => void = process.exit): void {
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      if (controller.signal.aborted) exit(code);
      controller.abort(new Interrupted(signal, code));
    });
  }
}

/** Aborts when any process above this one exits (the provisioner's shell killed, the terminal closed). */
export function abortWhenOrphaned(controller: AbortController, intervalMs = 500): void {
  const ancestors = ancestorsOf(process.pid);
  const timer = setInterval(() => {
    const gone = ancestors.find((pid) => !isRunning(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    controller.abort(new Interrupted(`parent process ${gone} exited`, 129));
  }, intervalMs);
  timer.unref();
  controller.signal.addEventListener('abort', () => clearInterval(timer));
}

/** Rejects with the abort's reason once the signal fires; never settles otherwise. */
export function whenAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (!signal) return;
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** The chain of parent pids up to (not including) init. */
export function ancestorsOf(pid: number): number[] {
  const chain: number[] = [];
  for (let current = parentOf(pid); current !== undefined && current > 1 && chain.length < 64; current = parentOf(current)) chain.push(current);
  return chain;
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after its ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return parentFromPs(pid);
  }
}

/** Where there is no /proc (macOS). */
function parentFromPs(pid: number): number | undefined {
  try {
    const ppid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process runs (EPERM: it does, as another user); a zombie not yet reaped has ended. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
