/**
 * `npm run access`: who has access to what, in both instances (or the one named), read-only.
 * Per instance: read AWS and Entra (collect.ts), find what needs action (findings.ts), render
 * (render.ts). With --wait-for-cycle, a membership difference that may be lag is read again after
 * the next provisioning cycle, so it is reported as drift or not at all.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppConfig, InstanceName } from '../../app-config/schema';
import { DeployRecord, RecordStore } from '../deploy-record';
import { explain } from '../runner';
import { AccessAwsClients, collectAws, collectEntra, EntraReads, waitForCycle } from './collect';
import { accessFindings, CYCLE_MS, entraObjectId } from './findings';
import { AwsSnapshot, EntraSnapshot } from './model';
import { AccessReport, accessReport, InstanceReport, instanceReport, markdown, terminalLines } from './render';

export interface AccessRun {
  readonly instances: readonly InstanceName[];
  readonly config: AppConfig;
  /** The Entra tenant's default domain (federation context): users' identity store UserNames end with it. */
  readonly entraDomain: string;
  readonly records: RecordStore;
  readonly awsClientsFor: (instance: InstanceName) => AccessAwsClients;
  readonly graph: EntraReads;
  readonly now?: () => number;
  /** One provisioning cycle (Entra's about 40 minutes; an emulator's own). */
  readonly cycleMs?: number;
  readonly waitForCycle?: boolean;
}

/** Entra user object ids → user principal names, from what the last deploy passed (to name PIM principals). */
function userNames(record: DeployRecord | undefined): Map<string, string> {
  const users = record ? [...record.input.scimUsers, ...record.input.samlUsers, ...record.input.groups.flatMap((g) => g.members)] : [];
  return new Map(users.map((u) => [u.objectId, u.userPrincipalName]));
}

async function snapshots(run: AccessRun, instance: InstanceName, record: DeployRecord | undefined, now: number): Promise<{ aws: AwsSnapshot; entra: EntraSnapshot }> {
  const aws = await collectAws(run.awsClientsFor(instance), { instance, config: run.config, entraDomain: run.entraDomain });
  const entra = await collectEntra(run.graph, aws.groups, { servicePrincipalId: record?.input.servicePrincipalId, userNames: userNames(record), now });
  return { aws, entra };
}

async function instanceOf(run: AccessRun, instance: InstanceName): Promise<InstanceReport> {
  const now = run.now ?? Date.now;
  const timing = () => ({ now: now(), cycleMs: run.cycleMs ?? CYCLE_MS });
  try {
    const record = await run.records.read(instance);
    let { aws, entra } = await snapshots(run, instance, record, now());
    let findings = accessFindings(aws, entra, timing());
    const lagging = findings.filter((f) => f.kind === 'lag').map((f) => f.subject);
    if (run.waitForCycle && lagging.length && record) {
      const seenAt = entra.readAt;
      const objectIds = aws.groups.filter((g) => lagging.includes(`group ${g.displayName}`)).map(entraObjectId);
      await waitForCycle(run.graph, record.input.servicePrincipalId, seenAt, run.cycleMs ?? CYCLE_MS);
      ({ aws, entra } = await snapshots(run, instance, record, now()));
      entra = { ...entra, differenceSeenAt: Object.fromEntries(objectIds.map((id) => [id!, seenAt])) };
      findings = accessFindings(aws, entra, timing());
    }
    return instanceReport(aws, entra, findings, now());
  } catch (error) {
    return { instance, readable: false, reason: explain(error) };
  }
}

export async function buildAccessReport(run: AccessRun): Promise<AccessReport> {
  const instances: InstanceReport[] = [];
  for (const instance of run.instances) instances.push(await instanceOf(run, instance));
  return accessReport(instances, (run.now ?? Date.now)());
}

export interface AccessOutput {
  readonly json?: boolean;
  readonly markdownFile?: string;
  readonly print: (line: string) => void;
}

/** Prints the report (table or JSON), writes the Markdown when asked; exit code 1 when a finding needs action. */
export async function reportAccess(run: AccessRun, output: AccessOutput): Promise<number> {
  // Before any call: a report that cannot be written would otherwise fail after every read.
  if (output.markdownFile) refuseMissingFolder(output.markdownFile);
  const report = await buildAccessReport(run);
  if (output.json) output.print(JSON.stringify(report, null, 2));
  else terminalLines(report).forEach((line) => output.print(line));
  if (output.markdownFile) writeFileSync(output.markdownFile, markdown(report));
  return report.needsAction ? 1 : 0;
}

export class MarkdownFolderError extends Error {}

/** --markdown FILE into a folder that is not there: one sentence that names it. */
function refuseMissingFolder(file: string): void {
  const folder = dirname(resolve(file));
  if (existsSync(folder) && statSync(folder).isDirectory()) return;
  throw new MarkdownFolderError(`--markdown ${file}: the folder ${folder} does not exist: create it, or write the report elsewhere, then run again.`);
}
