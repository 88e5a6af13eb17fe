/**
 * Times the whole rehearsal (target: under 2 minutes on a 2-core machine) and how long a newly
 * assigned user takes to appear in the identity store after the provisioning job starts (target: under 10 s).
 * Prints figures; asserts nothing.
 */
import { FIRST_CYCLE_CHECK, runRehearsal } from '../rehearsal/run';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const report = await runRehearsal({ renderer: 'silent' });
  const total = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`rehearsal: ${report.ok ? 'green' : 'FAILED'}, ${total.toFixed(1)} s in all (target < 120 s)`);
  for (const [phase, seconds] of [...report.phases].sort((a, b) => b[1] - a[1])) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${phase}`);
  const firstCycle = report.checks.find((c) => c.what === FIRST_CYCLE_CHECK);
  console.log(`a newly assigned user in the identity store after the job starts: ${firstCycle?.detail ?? 'not measured'} (target < 10 s)`);
  process.exit(report.ok ? 0 : 1);
}

void main();
