import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Provisioner } from './entra-deployer';

export interface ProvisionerRun {
  /** Each line the federation script prints (its labelled steps), as it arrives. */
  readonly onLine: (line: string) => void;
  /** Ends the run early, as a killed `terraform apply` would (a fault of the rehearsal). */
  readonly interruptAfter?: (line: string) => boolean;
}

/**
 * Runs a federation link's provisioner as Terraform's local-exec does: the command through the
 * shell, in its working_dir relative to the stack's folder, with the input as FEDERATION_INPUT.
 */
export function runProvisioner(stackDir: string, provisioner: Provisioner, input: Record<string, unknown>, run: ProvisionerRun): Promise<void> {
  const child = spawn('sh', ['-c', provisioner.command], {
    cwd: resolve(join(stackDir), provisioner.working_dir),
    env: { ...process.env, FEDERATION_INPUT: JSON.stringify(input) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (line: string) => {
    lines.push(line);
    run.onLine(line);
    if (run.interruptAfter?.(line)) child.kill('SIGTERM');
  };
  createInterface({ input: child.stdout }).on('line', collect);
  createInterface({ input: child.stderr }).on('line', collect);
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (code === 0) return done();
      fail(new Error(`local-exec provisioner "${provisioner.command}" ${signal ? `was interrupted (${signal})` : `exited ${code}`}:\n${lines.slice(-5).join('\n')}`));
    });
  });
}
