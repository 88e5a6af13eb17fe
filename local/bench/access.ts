/**
 * The access report's figures on the scale benchmark's estate (local/bench/scale.ts calls this after the
 * access stacks are applied): how long `npm run access` takes for one partition and how many API
 * calls it makes, by operation, through the same paced clients the command uses (20 requests a
 * second each). Figures, not pass/fail.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { loadFederationContext } from '../../app-config/context';
import { InstanceName } from '../../app-config/schema';
import { AwsEmulator } from '../emulators/aws';
import { buildAccessReport } from '../../scripts/access';
import { CallCount, EntraReads, pacedAccessClients } from '../../scripts/access/collect';
import { awsClients } from '../../scripts/clients/aws';
import { awsEmulatorEnv } from '../harness/aws-emulator-env';

/**
 * The bench has no Entra: each SCIM group's Entra members are answered as the estate made them (so the
 * report compares, and finds no drift), no provisioning job and no PIM. Graph calls are counted apart.
 */
function entraStandIn(members: string[], calls: CallCount): EntraReads {
  const counted = <T>(operation: string, answer: () => T) => {
    calls.set(`graph.${operation}`, (calls.get(`graph.${operation}`) ?? 0) + 1);
    return Promise.resolve(answer());
  };
  return {
    directory: { groupMemberNames: () => counted('groupMemberNames', () => members) },
    synchronization: { listSyncJobs: () => counted('listSyncJobs', () => []) },
    pim: { pimSchedules: () => counted('pimSchedules', () => []) },
  };
}

export async function accessReportFigures(emulator: AwsEmulator, instance: InstanceName, rawConfig: unknown, members: string[]): Promise<string[]> {
  const config = loadConfig(rawConfig);
  const calls: CallCount = new Map();
  const env = awsEmulatorEnv(mkdtempSync(join(tmpdir(), 'bench-access-')), emulator.endpoint);
  const target = { awsProfile: config.aws[instance].profile, region: config.aws[instance].region, partition: config.aws[instance].partition };
  const records = { location: 'none', read: async () => undefined, write: async () => undefined, remove: async () => undefined };
  const started = process.hrtime.bigint();
  const report = await buildAccessReport({
    instances: [instance],
    config,
    // The domain the stacks were synthesized with: users' identity store names end with it.
    entraDomain: loadFederationContext().entra.defaultDomain,
    records,
    awsClientsFor: () => pacedAccessClients(awsClients(target, { env }), calls),
    graph: entraStandIn(members, calls),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const [read] = report.instances;
  if (!read.readable) throw new Error(`the access report could not read ${instance}: ${read.reason}`);
  const aws = [...calls].filter(([op]) => !op.startsWith('graph.'));
  const total = (list: [string, number][]) => list.reduce((sum, [, n]) => sum + n, 0);
  return [
    `  access report (npm run access): ${seconds.toFixed(1)} s for ${read.assignments.length} assignments, ${total(aws)} AWS calls at most 20/s per client, ${total([...calls]) - total(aws)} Graph reads (answered by a stand-in); findings: ${read.findings.map((f) => f.kind).join(', ') || 'none'}`,
    ...aws.sort(([, a], [, b]) => b - a).slice(0, 6).map(([op, n]) => `    ${op} ×${n}`),
  ];
}
