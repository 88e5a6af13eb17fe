import { VERIFY_STEP } from '../../app-model/steps';
import { already, Finding, isFailure, Runnable, Step, StepContext } from './step';

/** Every step's check, in the steps' order: the one definition of "correct" for verify and status. */
export async function findingsOf(steps: readonly Step[], ctx: StepContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const step of steps) findings.push(...(await step.check(ctx)));
  return findings;
}

function verificationTable(instance: string, findings: readonly Finding[]): string[] {
  const width = Math.max(...findings.map((f) => f.what.length));
  const mark = (f: Finding) => (isFailure(f) ? '✖' : f.problem ? '!' : '✔');
  return [`verification of ${instance}:`, ...findings.map((f) => `  ${mark(f)} ${f.what.padEnd(width)}  ${f.seen}`)];
}

/** The last post-apply step: checks against what both clouds hold now, never against the steps' reports. */
export function verification(steps: readonly Step[]): Runnable {
  return {
    ...VERIFY_STEP,
    async run(ctx) {
      const findings = await findingsOf(steps, ctx);
      verificationTable(ctx.input.instance, findings).forEach(ctx.log);
      const failed = findings.filter(isFailure);
      if (failed.length) throw new Error(`Verification failed: ${failed.map((f) => f.problem).join('; ')}`);
      return already(`${findings.length} checks hold`);
    },
  };
}
