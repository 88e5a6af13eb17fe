/**
 * The whole lifecycle against local emulators, with the same stacks and scripts a real deploy
 * uses: synth → deploy → post-apply federation steps → verification → a second deploy that changes
 * nothing → destroy with the pre-destroy steps → a report that nothing is left.
 *
 * Each phase is a file of local/rehearsal/phases/ (their order: phases/index.ts); what they share
 * and what each provides to later ones is local/rehearsal/context.ts. This file runs them, times
 * them, and after the last (or the first that fails) scans for secrets and cleans up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Listr, ListrTask } from 'listr2';
import { AwsEmulator } from '../emulators/aws';
import { EntraEmulator } from '../emulators/entra';
import { RehearsalContext } from './context';
import { Fault } from './faults';
import { PHASES } from './phases';
import { Phase, runsIn, titleOf } from './phases/phase';
import { filesUnder, findLeaks, ScanSource, Secret } from './secret-scan';
import { Report } from './report';

export { FAULTS } from './faults';
export type { Fault } from './faults';

export interface RehearsalOptions {
  readonly faults?: Fault[];
  /** listr2's renderer: 'default' on a terminal, 'simple' in logs, 'silent' in tests. */
  readonly renderer?: 'default' | 'simple' | 'silent';
  /**
   * 'full' (npm start): the whole product, with groups across an Organization, just-in-time admin
   * and the access report. 'federation': the base stacks, azure-id and its federation steps only,
   * where every fault is aimed; the fault tests use it to stay within the suite's time.
   */
  readonly scope?: 'full' | 'federation';
}

export async function runRehearsal(options: RehearsalOptions = {}): Promise<Report> {
  const report = new Report();
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-'));
  const savedEnv = { ...process.env };
  const ctx = new RehearsalContext(report, dir, options.faults ?? [], options.scope ?? 'full');

  /** A phase as a listr2 task, its time kept in report.phases whether it succeeds or fails. */
  const timed = (phase: Phase): ListrTask => {
    const title = titleOf(phase, ctx);
    return {
      title,
      task: async (_listrCtx, task) => {
        const started = Date.now();
        try {
          return await phase.run(ctx, task);
        } finally {
          report.phases.push([title, (Date.now() - started) / 1000]);
        }
      },
      rendererOptions: { persistentOutput: true },
    };
  };

  const tasks = new Listr(
    PHASES.filter((phase) => runsIn(phase, ctx)).map(timed),
    { renderer: options.renderer ?? (process.stdout.isTTY ? 'default' : 'simple'), exitOnError: true, rendererOptions: { collapseSubtasks: false } as any },
  );

  try {
    await tasks.run();
  } catch (error) {
    report.check('the rehearsal ran to its end', false, failureSummary((error as Error).message));
    report.notes.push(`Why it stopped:\n${(error as Error).message}`);
  } finally {
    const clouds = ctx.ifProvided('clouds');
    report.calls = [...(clouds?.aws.requests.all() ?? []), ...(clouds?.entra.requests.all() ?? [])];
    await Promise.all([clouds?.aws.stop(), clouds?.entra.stop()]);
    process.env = savedEnv;
    if (clouds) checkNoSecretLeaked(report, clouds.aws, clouds.entra, [...ctx.transcript, { name: 'output of lookup and rotate-token', text: ctx.said.join('\n') }], dir);
    keepOnlyWhenFailed(dir, report);
  }
  report.notes.push('The azure-id stack was applied through the Entra emulator: the azuread provider binary is not available on this machine.');
  return report;
}

/**
 * Every SCIM token AWS issued and every initial password Entra received must appear nowhere the
 * product writes or prints: its output, the environments of the processes it started, and every
 * file of the run (Terraform state and backups, records, context, emulator credential files).
 */
function checkNoSecretLeaked(report: Report, aws: AwsEmulator, entra: EntraEmulator, transcript: ScanSource[], dir: string): void {
  const secrets: Secret[] = [
    ...aws.provisioning.issuedTokenValues.map((value) => ({ what: 'a SCIM bearer token', value })),
    ...entra.receivedPasswords.map((value) => ({ what: "an Entra user's initial password", value })),
  ];
  const sources = [...transcript, ...filesUnder(dir), { name: 'the report', text: report.lines().join('\n') }];
  const leaks = findLeaks(secrets, sources);
  const scanned = `${aws.provisioning.issuedTokenValues.length} SCIM tokens and ${entra.receivedPasswords.length} passwords looked for in ${sources.length} outputs, environments and files`;
  // A scan that found no secret to look for proves nothing: the run issued tokens and created users.
  const ok = leaks.length === 0 && aws.provisioning.issuedTokenValues.length > 0 && entra.receivedPasswords.length > 0;
  report.check('no secret in output, state, records, temp files or child environments', ok, leaks.length ? leaks.map((l) => `${l.what} in ${l.source}`).join('; ') : scanned);
}

/** The work folder holds state backups and credential files: gone after a green run, kept (and named) for a person to look at after a failure. */
function keepOnlyWhenFailed(dir: string, report: Report): void {
  if (report.ok) rmSync(dir, { recursive: true, force: true });
  else report.notes.push(`The rehearsal's files (Terraform state and its backups, emulator credential files, records) are in ${dir}: look there, then delete it.`);
}

/** The first line of a failure and, for Terraform's, its first "Error:" line: the cause. */
function failureSummary(message: string): string {
  const lines = message.split('\n');
  const cause = lines.find((line) => /Error: /.test(line))?.replace(/[│╷╵]/g, '').trim();
  return [lines[0], cause].filter(Boolean).join(' ');
}
