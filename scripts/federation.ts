/**
 * Entry point of the labelled non-Terraform steps:
 *   npm run federation -- post-apply|pre-destroy --instance aws-commercial [--dry-run]
 * The azure-id stack's federation links call it with FEDERATION_INPUT; a person can run it too.
 */
import { parseArgs } from 'node:util';
import { INSTANCE_NAMES } from '../config-schema';
import { parseFederationInput } from './federation-input';
import { POST_APPLY_STEPS, PRE_DESTROY_STEPS, StepLabel } from './steps/catalog';

const PHASES: Record<string, readonly StepLabel[]> = { 'post-apply': POST_APPLY_STEPS, 'pre-destroy': PRE_DESTROY_STEPS };

const USAGE = `usage: npm run federation -- <${Object.keys(PHASES).join('|')}> --instance <${INSTANCE_NAMES.join('|')}> [--dry-run]`;

export class UsageError extends Error {}

export interface Invocation {
  readonly phase: string;
  readonly instance: string;
  readonly dryRun: boolean;
}

export function parseInvocation(argv: string[], env: NodeJS.ProcessEnv): Invocation {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { instance: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  const [phase] = positionals;
  if (!phase || !PHASES[phase]) throw new UsageError(`unknown command "${phase ?? ''}"\n${USAGE}`);
  if (!values.instance || !(INSTANCE_NAMES as readonly string[]).includes(values.instance)) {
    throw new UsageError(`--instance must be one of ${INSTANCE_NAMES.join(', ')}\n${USAGE}`);
  }
  return { phase, instance: values.instance, dryRun: values['dry-run'] || env.FEDERATION_DRY_RUN === '1' };
}

export function main(argv: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): number {
  const invocation = parseInvocation(argv, env);
  const input = parseFederationInput(env.FEDERATION_INPUT);
  if (input.instance !== invocation.instance) {
    throw new UsageError(`--instance ${invocation.instance} does not match FEDERATION_INPUT's instance ${input.instance}`);
  }
  log(`${invocation.phase} for ${input.instance} (${input.partition}, ${input.region}, ${input.identityStoreId}, tenant ${input.tenantId}):`);
  PHASES[invocation.phase].forEach((step, i) => log(`  ${i + 1}. ${step.label} — not Terraform: ${step.whyNotTerraform}`));
  if (invocation.dryRun) return 0;
  log('The federation steps are not implemented yet (issue 4); nothing was changed.');
  return 3;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2), process.env, (line) => console.log(line));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
