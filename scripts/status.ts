/**
 * `npm run status`: what each instance's federation looks like now, what will expire, and where it
 * drifted. The findings are the steps' own checks (the same ones post-apply's verification runs),
 * so "correct" is written once. A warning makes the exit code 1, so a scheduled CI job can alert.
 */
import { DeployRecord, RecordStore } from './deploy-record';
import { FederationInput } from './federation-input';
import { explain } from './runner';
import { STEPS } from './steps';
import { createdThroughTenants, ownedTenantIds } from './steps/identity-store-users';
import { Finding, holds, StepContext } from './steps/step';
import { findingsOf } from './steps/verify';

function recordFinding(record: DeployRecord | undefined): Finding {
  if (record) return holds('last deploy', record.recordedAt);
  return { what: 'last deploy', seen: 'no record', problem: 'no deploy record, so drift is not checked: run post-apply', severity: 'fail' };
}

/** Reads both clouds (no write): the record, every step's check, and how many users SCIM made. */
export async function instanceStatus(ctx: StepContext): Promise<Finding[]> {
  const { input, console, identityStore, previous } = ctx;
  const owned = ownedTenantIds(await console.listProvisioningTenants(input.identityStoreId), previous);
  const { users } = await createdThroughTenants(identityStore, input.identityStoreId, owned);
  return [recordFinding(previous), ...(await findingsOf(STEPS, ctx)), holds('users provisioned', `${users.length} by SCIM in Identity Center`)];
}

export function statusLines(instance: string, findings: readonly Finding[]): string[] {
  const width = Math.max(...findings.map((f) => f.what.length));
  const warnings = findings.filter((f) => f.problem);
  return [
    `status of ${instance}:`,
    ...findings.map((f) => `  ${f.problem ? '!' : ' '} ${f.what.padEnd(width)}  ${f.seen}`),
    ...warnings.map((f) => `warning: ${instance}: ${f.problem}`),
  ];
}

export interface StatusRun {
  /** The instances to report, in order. */
  readonly instances: readonly string[];
  readonly records: RecordStore;
  /** FEDERATION_INPUT, when set: it stands in for its own instance's record input, no other. */
  readonly provided?: FederationInput;
  readonly contextFor: (input: FederationInput, record: DeployRecord | undefined) => StepContext;
  readonly print: (line: string) => void;
}

const problemLines = (instance: string, headline: string, problem: string) => [`status of ${instance}: ${headline}`, `warning: ${instance}: ${problem}`];

/** One instance's lines; whatever goes wrong is that instance's warning, never the others' stop. */
async function instanceReport(instance: string, run: StatusRun): Promise<string[]> {
  let record: DeployRecord | undefined;
  try {
    record = await run.records.read(instance);
  } catch (error) {
    return problemLines(instance, 'deploy record unreadable', explain(error));
  }
  const input = run.provided?.instance === instance ? run.provided : record?.input;
  if (!input) {
    return problemLines(instance, `no deploy record in ${run.records.location}`, `no deploy record in ${run.records.location}, though config.ts deploys this instance: run \`npm run deploy\` (post-apply writes it), or set FEDERATION_INPUT from \`terraform state show\` of its federation link`);
  }
  try {
    return statusLines(instance, await instanceStatus(run.contextFor(input, record)));
  } catch (error) {
    return problemLines(instance, 'could not be read', explain(error, input));
  }
}

/** Every instance asked for: findings, then warnings; exit code 1 on any warning. */
export async function reportStatus(run: StatusRun): Promise<number> {
  let warned = false;
  for (const instance of run.instances) {
    const lines = await instanceReport(instance, run);
    lines.forEach((line) => run.print(line));
    warned ||= lines.some((line) => line.startsWith('warning: '));
  }
  return warned ? 1 : 0;
}
