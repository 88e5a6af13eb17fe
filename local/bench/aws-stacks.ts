/**
 * Times apply, re-apply and destroy of both AWS stacks against the local emulator (the target is
 * both applied and destroyed in under 60 s on a 2-core machine). Prints figures; asserts nothing.
 */
import { INSTANCE_NAMES } from '../../app-config/schema';
import { AwsEmulator } from '../emulators/aws';
import { TerraformWorkspace } from '../harness/terraform-workspace';

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

async function main(): Promise<void> {
  const [emulator, startup] = await timed(() => AwsEmulator.start());
  try {
    const workspace = TerraformWorkspace.create(emulator.endpoint);
    console.log(`emulator start ${startup.toFixed(1)} s`);
    const phases = ['init', 'apply', 're-apply', 'destroy'] as const;
    const run = { init: workspace.init, apply: workspace.apply, 're-apply': workspace.apply, destroy: workspace.destroy };
    const rows: Record<string, Record<string, number>> = {};
    const [, total] = await timed(async () => {
      for (const phase of phases) {
        // The two stacks are independent, as `cdktf deploy` treats them: run them side by side.
        await Promise.all(
          INSTANCE_NAMES.map(async (stack) => {
            const [, seconds] = await timed(() => run[phase].call(workspace, stack));
            (rows[stack] ??= {})[phase] = seconds;
          }),
        );
      }
    });
    console.log(`${'stack'.padEnd(16)}${phases.map((p) => p.padStart(10)).join('')}`);
    for (const stack of INSTANCE_NAMES) console.log(`${stack.padEnd(16)}${phases.map((p) => `${rows[stack][p].toFixed(1)} s`.padStart(10)).join('')}`);
    console.log(`both stacks, init + apply + re-apply + destroy, side by side: ${total.toFixed(1)} s`);
    const slow = emulator.requests.all().filter((c) => /AssignmentCreationStatus|AssignmentDeletionStatus/.test(c.operation));
    console.log(`assignment status polls: ${slow.map((c) => `${c.operation} ×${c.count}`).join(', ')}`);
  } finally {
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
