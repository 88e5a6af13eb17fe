/**
 * The access report as data (the documented `--json` shape, ACCESS_REPORT_VERSION) and its two
 * renderings: a terminal table and Markdown for a review.
 */
import { createdByTenants } from '../steps/identity-store-users';
import { isManaged, permissionSetName, principalName } from './findings';
import { AccessFinding, AwsSnapshot, EntraSnapshot } from './model';

export const ACCESS_REPORT_VERSION = 1;

/** One assignment, resolved. */
export interface AccessRow {
  readonly accountId: string;
  readonly accountName: string | null;
  readonly permissionSet: string;
  readonly principalType: 'USER' | 'GROUP';
  readonly principalId: string;
  /** UserName or group DisplayName; null when the principal no longer exists (an orphan). */
  readonly principal: string | null;
  /** "scim": created by Entra's provisioning (ExternalIds issuer names a provisioning tenant); "aws": created in AWS; null for an orphan. */
  readonly origin: 'scim' | 'aws' | null;
  /** Whether the config means it (Terraform manages it); null when that could not be read. */
  readonly managedByTerraform: boolean | null;
  /** A group's members' UserNames; null for a user or an orphan. */
  readonly members: string[] | null;
}

export type InstanceReport =
  | {
      readonly instance: string;
      readonly readable: true;
      readonly assignments: AccessRow[];
      readonly findings: AccessFinding[];
      /** The provisioning job's last successful cycle: when it ended and how long ago (minutes); null when unknown. */
      readonly provisioningCycle: { readonly lastSuccessfulEnded: string; readonly ageMinutes: number } | null;
    }
  | { readonly instance: string; readonly readable: false; readonly reason: string };

export interface AccessReport {
  readonly version: typeof ACCESS_REPORT_VERSION;
  readonly generatedAt: string;
  /** True when any finding needs action or an instance could not be read (exit code 1). */
  readonly needsAction: boolean;
  readonly instances: InstanceReport[];
}

export function accessRows(aws: AwsSnapshot): AccessRow[] {
  const userName = new Map(aws.users.map((u) => [u.id, u.userName]));
  return aws.assignments.map((a) => {
    const principal = principalName(aws, a) ?? null;
    const object = a.principalType === 'USER' ? aws.users.find((u) => u.id === a.principalId) : aws.groups.find((g) => g.id === a.principalId);
    const group = a.principalType === 'GROUP' ? aws.groups.find((g) => g.id === a.principalId) : undefined;
    return {
      accountId: a.accountId,
      accountName: aws.accounts.find((x) => x.id === a.accountId)?.name || null,
      permissionSet: permissionSetName(aws, a.permissionSetArn),
      principalType: a.principalType,
      principalId: a.principalId,
      principal,
      origin: object ? (createdByTenants({ ExternalIds: object.externalIds }) ? 'scim' : 'aws') : null,
      managedByTerraform: isManaged(aws, a) ?? null,
      members: group ? group.memberIds.map((id) => userName.get(id) ?? id).sort() : null,
    };
  });
}

export function instanceReport(aws: AwsSnapshot, entra: EntraSnapshot, findings: AccessFinding[], now: number): InstanceReport {
  const last = entra.cycle.readable ? entra.cycle.value.lastSuccessfulExecution?.timeEnded : undefined;
  return {
    instance: aws.instance,
    readable: true,
    assignments: accessRows(aws).sort((x, y) => `${x.accountId}${x.permissionSet}${x.principal}`.localeCompare(`${y.accountId}${y.permissionSet}${y.principal}`)),
    findings,
    provisioningCycle: last ? { lastSuccessfulEnded: last, ageMinutes: Math.round((now - Date.parse(last)) / 6_000) / 10 } : null,
  };
}

export function accessReport(instances: InstanceReport[], now: number): AccessReport {
  const needsAction = instances.some((i) => !i.readable || i.findings.some((f) => f.needsAction));
  return { version: ACCESS_REPORT_VERSION, generatedAt: new Date(now).toISOString(), needsAction, instances };
}

const yesNo = (managed: boolean | null) => (managed === null ? '?' : managed ? 'yes' : 'NO');

function cells(row: AccessRow): string[] {
  const who = row.principal ?? `(deleted) ${row.principalId}`;
  return [`${row.accountId}${row.accountName ? ` ${row.accountName}` : ''}`, row.permissionSet, `${row.principalType.toLowerCase()} ${who}`, row.origin ?? '-', yesNo(row.managedByTerraform), row.members?.join(', ') ?? ''];
}

const HEADER = ['account', 'permission set', 'principal', 'from', 'terraform', 'members'];
const findingLine = (f: AccessFinding) => `${f.needsAction ? '!' : ' '} ${f.kind}: ${f.subject} — ${f.detail}${f.action ? `\n      what to do: ${f.action}` : ''}`;

/** The terminal table: one block per instance, columns padded, then the findings. */
export function terminalLines(report: AccessReport): string[] {
  return report.instances.flatMap((i) => {
    if (!i.readable) return [`access in ${i.instance}: could not be read`, `! ${i.reason}`];
    const rows = [HEADER, ...i.assignments.map(cells)];
    const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    const cycle = i.provisioningCycle ? `last successful provisioning cycle ${i.provisioningCycle.ageMinutes} min ago` : 'provisioning cycle unknown';
    return [
      `access in ${i.instance} (${i.assignments.length} assignments; ${cycle}):`,
      ...rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()}`),
      ...(i.findings.length ? i.findings.map(findingLine) : ['  no finding']),
    ];
  });
}

const md = (text: string) => text.replace(/\|/g, '\\|');

export function markdown(report: AccessReport): string {
  const blocks = report.instances.map((i) => {
    if (!i.readable) return `## ${i.instance}\n\nCould not be read: ${md(i.reason)}\n`;
    const table = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`, ...i.assignments.map((r) => `| ${cells(r).map(md).join(' | ')} |`)];
    const findings = i.findings.length ? i.findings.map((f) => `- ${f.needsAction ? '**needs action** ' : ''}${f.kind}: ${md(f.subject)} — ${md(f.detail)}${f.action ? `<br>What to do: ${md(f.action)}` : ''}`) : ['No finding.'];
    return [`## ${i.instance}`, '', ...table, '', '### Findings', '', ...findings, ''].join('\n');
  });
  return [`# Who has access (${report.generatedAt})`, '', report.needsAction ? 'Some findings need action.' : 'No finding needs action.', '', ...blocks].join('\n');
}
