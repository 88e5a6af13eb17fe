/**
 * Times the whole rehearsal (goal: under 90 s on an idle 2-core machine; docs/benchmarks.md says why it is not met), phase by phase.
 * Prints figures; asserts nothing.
 */
import { runRehearsal } from '../rehearsal/run';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const report = await runRehearsal({ renderer: 'silent' });
  const total = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`rehearsal: ${report.ok ? 'green' : 'FAILED'}, ${total.toFixed(1)} s in all (goal < 90 s)`);
  for (const [phase, seconds] of [...report.phases].sort((a, b) => b[1] - a[1])) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${phase}`);
  process.exit(report.ok ? 0 : 1);
}

void main();
