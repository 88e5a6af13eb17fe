/**
 * The access report's findings, each a pure function of the snapshots (model.ts) with what to do.
 * Orphans, unmanaged, out-of-scope and missing assignments and failed provisioning come from the
 * AWS side and the config; membership drift compares each SCIM group with its Entra group's direct
 * members, dated by the provisioning job's last cycle so that a change still on its way (lag) is
 * not called drift.
 */
import { createdByTenants } from '../steps/identity-store-users';
import { REACHABLE_STATE } from '../../app-model/account-reach';
import { AccessFinding, Assignment, assignmentKey, AwsSnapshot, EntraSnapshot, IdentityGroup, MeantAccess } from './model';

// Entra provisions about every 40 minutes after the first cycle, not configurable (Microsoft Entra
// "How application provisioning works", incremental cycles).
export const CYCLE_MS = 40 * 60_000;

export interface Timing {
  readonly now: number;
  /** One provisioning cycle: Entra's 40 minutes, or an emulator's interval. */
  readonly cycleMs: number;
}

/** What an assignment names, resolved against the identity store: undefined when the principal is gone. */
export function principalName(aws: AwsSnapshot, a: Pick<Assignment, 'principalType' | 'principalId'>): string | undefined {
  if (a.principalType === 'USER') return aws.users.find((u) => u.id === a.principalId)?.userName;
  return aws.groups.find((g) => g.id === a.principalId)?.displayName;
}

export const permissionSetName = (aws: AwsSnapshot, arn: string) => aws.permissionSets.find((p) => p.arn === arn)?.name ?? arn;

export function accountLabel(aws: AwsSnapshot, accountId: string): string {
  const name = aws.accounts.find((a) => a.id === accountId)?.name;
  return name ? `account ${accountId} (${name})` : `account ${accountId}`;
}

/** What the config says of the same principal and permission set as this assignment. */
function sameAccess(aws: AwsSnapshot, a: Assignment): MeantAccess[] {
  const name = principalName(aws, a);
  const permissionSet = permissionSetName(aws, a.permissionSetArn);
  return aws.meant.readable ? aws.meant.value.filter((m) => m.principalType === a.principalType && m.principal === name && m.permissionSet === permissionSet) : [];
}

/**
 * How the config sees an assignment: meant (Terraform manages it); out of scope (an access entry
 * names its principal and permission set, but no longer reaches its account); unmanaged (nothing
 * names that pair: made outside Terraform); an orphan; or unknown, when the config comparison or
 * the account's state could not be read.
 */
function standing(aws: AwsSnapshot, a: Assignment): 'meant' | 'out-of-scope' | 'unmanaged' | 'orphan' | 'unknown' {
  if (!aws.meant.readable) return 'unknown';
  if (principalName(aws, a) === undefined) return 'orphan';
  const same = sameAccess(aws, a);
  if (same.some((m) => m.accountIds.includes(a.accountId))) return 'meant';
  if (!same.some((m) => m.scope)) return 'unmanaged';
  // An account without a state may or may not be reached: its own finding says so.
  return aws.accounts.some((x) => x.id === a.accountId && x.state === undefined) ? 'unknown' : 'out-of-scope';
}

/** Whether the config means this assignment (so Terraform manages it); undefined when that could not be read. */
export function isManaged(aws: AwsSnapshot, a: Assignment): boolean | undefined {
  const is = standing(aws, a);
  return is === 'unknown' ? undefined : is === 'meant';
}

const deleteCommand = (aws: AwsSnapshot, a: Assignment) =>
  `aws sso-admin delete-account-assignment --instance-arn ${aws.instanceArn} --target-id ${a.accountId} --target-type AWS_ACCOUNT --permission-set-arn ${a.permissionSetArn} --principal-type ${a.principalType} --principal-id ${a.principalId}`;

const where = (aws: AwsSnapshot, a: Assignment) => `${accountLabel(aws, a.accountId)} / ${permissionSetName(aws, a.permissionSetArn)}`;

// The idp-scim-sync issue 70 case: a group recreated with a new id leaves its assignments pointing at nothing.
function orphans(aws: AwsSnapshot): AccessFinding[] {
  return aws.assignments
    .filter((a) => principalName(aws, a) === undefined)
    .map((a) => ({
      kind: 'orphan',
      instance: aws.instance,
      subject: `${a.principalType} ${a.principalId} on ${where(aws, a)}`,
      detail: `the ${a.principalType.toLowerCase()} ${a.principalId} is no longer in identity store ${aws.identityStoreId}; the assignment grants nothing and hides what was meant`,
      action: `delete it (${deleteCommand(aws, a)}); if the config means this access, deploy again: the access stack looks the principal up by name`,
      needsAction: true,
    }));
}

function unmanaged(aws: AwsSnapshot): AccessFinding[] {
  return aws.assignments
    .filter((a) => standing(aws, a) === 'unmanaged')
    .map((a) => ({
      kind: 'unmanaged',
      instance: aws.instance,
      subject: `${a.principalType} ${principalName(aws, a)} on ${where(aws, a)}`,
      detail: 'no access entry or assignment in config.ts means it: it was made outside Terraform',
      action: `if it is wanted, add it to config.ts (identityCenter.access['${aws.instance}']) and deploy, so Terraform manages it; or delete it (${deleteCommand(aws, a)})`,
      needsAction: true,
    }));
}

// An account moved out of an entry's OU, or closed: the stacks' rule no longer reaches it, so the
// access stack's next plan destroys the assignment it made there.
function outOfScope(aws: AwsSnapshot): AccessFinding[] {
  return aws.assignments
    .filter((a) => standing(aws, a) === 'out-of-scope')
    .map((a) => {
      const entries = sameAccess(aws, a).filter((m) => m.scope);
      const scope = entries.map((m) => m.scope).join(' or ');
      const account = aws.accounts.find((x) => x.id === a.accountId);
      const why = !account ? 'is no longer in the Organization' : account.state !== REACHABLE_STATE ? `is no longer ${REACHABLE_STATE} (State ${account.state})` : `is no longer in ${scope}`;
      const who = `${a.principalType} ${principalName(aws, a)}`;
      return {
        kind: 'out-of-scope',
        instance: aws.instance,
        subject: `${who} on ${where(aws, a)}`,
        detail: `${accountLabel(aws, a.accountId)} ${why}: the access entry for ${who} / ${permissionSetName(aws, a.permissionSetArn)} on ${scope} no longer reaches it`,
        action: `the next deploy of ${entries[0].stack} (npm run deploy) deletes this assignment; to keep this access, change the entry in config.ts first. Had it been made by hand, Terraform does not hold it: delete it (${deleteCommand(aws, a)})`,
        needsAction: true,
      };
    });
}

function missing(aws: AwsSnapshot): AccessFinding[] {
  if (!aws.meant.readable) return [];
  const keyOf = (a: Assignment) => assignmentKey(a.accountId, permissionSetName(aws, a.permissionSetArn), a.principalType, principalName(aws, a) ?? '');
  const seen = new Set(aws.assignments.map(keyOf));
  return aws.meant.value.flatMap((m) =>
    m.accountIds.flatMap((accountId): AccessFinding[] => {
      const key = assignmentKey(accountId, m.permissionSet, m.principalType, m.principal);
      if (seen.has(key)) return [];
      seen.add(key);
      const who = `${m.principalType} ${m.principal}`;
      return [
        {
          kind: 'missing',
          instance: aws.instance,
          subject: `${who} on ${accountLabel(aws, accountId)} / ${m.permissionSet}`,
          detail: `the config gives ${who} ${m.permissionSet} on ${accountLabel(aws, accountId)} (${m.scope ? `access entry on ${m.scope}` : 'identityCenter.assignments'}); the instance has no such assignment`,
          action: `deploy ${m.stack} (npm run deploy)`,
          needsAction: true,
        },
      ];
    }),
  );
}

function provisioningFailures(aws: AwsSnapshot): AccessFinding[] {
  if (!aws.provisioningFailures.readable) return [];
  return aws.provisioningFailures.value.map((f) => ({
    kind: 'provisioning-failed',
    instance: aws.instance,
    subject: `${accountLabel(aws, f.accountId)} / ${permissionSetName(aws, f.permissionSetArn)}`,
    detail: `provisioning failed: ${f.reason}`,
    action: `fix the cause in that account (a customer-managed policy or permissions boundary must exist there with the same name and path), then aws sso-admin provision-permission-set --instance-arn ${aws.instanceArn} --permission-set-arn ${f.permissionSetArn} --target-type AWS_ACCOUNT --target-id ${f.accountId}`,
    needsAction: true,
  }));
}

/** The Entra object id a SCIM-made group carries (docs/decisions/0004-groups-tied-by-entra-object-id.md); undefined for a group made in AWS. */
export function entraObjectId(group: IdentityGroup): string | undefined {
  return createdByTenants({ ExternalIds: group.externalIds }) ? group.externalIds.find((e) => e.Id)?.Id : undefined;
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/**
 * Lag or drift. Without a cycle that succeeded, any difference is drift; a difference still there
 * after a cycle that began once it was seen is drift; no successful cycle for longer than one
 * cycle is drift (the job is not keeping up). Otherwise the next cycle may still carry it: lag.
 */
function verdict(objectId: string, entra: EntraSnapshot, timing: Timing): { drift: boolean; why: string } {
  if (!entra.cycle.readable) return { drift: true, why: `the provisioning job could not be read (${entra.cycle.reason}), so this is not known to be lag` };
  const last = entra.cycle.value.lastSuccessfulExecution;
  if (!last?.timeEnded) return { drift: true, why: 'no provisioning cycle has succeeded yet' };
  const age = timing.now - Date.parse(last.timeEnded);
  const ended = `last successful provisioning cycle ended ${minutes(age)} ago`;
  const seenAt = entra.differenceSeenAt?.[objectId];
  if (seenAt && Date.parse(last.timeBegan ?? last.timeEnded) >= Date.parse(seenAt)) return { drift: true, why: `${ended}; it began after the difference was seen at ${seenAt} and did not carry it` };
  if (age > timing.cycleMs) return { drift: true, why: `${ended}, longer than one cycle (${minutes(timing.cycleMs)}): the job is not keeping up` };
  return { drift: false, why: `${ended}; the next, due within ${minutes(timing.cycleMs - age)}, may carry it (run again after it, or with --wait-for-cycle)` };
}

function membership(aws: AwsSnapshot, entra: EntraSnapshot, timing: Timing): AccessFinding[] {
  const userName = new Map(aws.users.map((u) => [u.id, u.userName]));
  return aws.groups.flatMap((group): AccessFinding[] => {
    const objectId = entraObjectId(group);
    const inEntra = objectId ? entra.groups[objectId] : undefined;
    if (!objectId || !inEntra) return [];
    const subject = `group ${group.displayName}`;
    if (!inEntra.readable) return [{ kind: 'not-readable', instance: aws.instance, subject, detail: `Entra group ${objectId}: ${inEntra.reason}`, needsAction: false }];
    const inAws = group.memberIds.map((id) => userName.get(id) ?? id);
    const missing = inEntra.value.filter((m) => !inAws.includes(m));
    const extra = inAws.filter((m) => !inEntra.value.includes(m));
    if (!missing.length && !extra.length) return [];
    const difference = [missing.length ? `in Entra, not in Identity Center: ${missing.join(', ')}` : '', extra.length ? `in Identity Center, not in Entra: ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
    const { drift, why } = verdict(objectId, entra, timing);
    return [
      {
        kind: drift ? 'drift' : 'lag',
        instance: aws.instance,
        subject,
        detail: `${difference} (${why})`,
        action: drift
          ? `Entra is the source of group membership: change the members in Entra (not in Identity Center) and run post-apply for ${aws.instance}, which provisions the group on demand; if the job is failing, \`npm run status\` says why`
          : undefined,
        needsAction: drift,
      },
    ];
  });
}

function pim(aws: AwsSnapshot, entra: EntraSnapshot): AccessFinding[] {
  if (!entra.pim.readable) return [{ kind: 'not-readable', instance: aws.instance, subject: 'PIM', detail: `PIM: not readable (${entra.pim.reason})`, needsAction: false }];
  const pimState = entra.pim.value;
  return aws.groups.flatMap((group): AccessFinding[] => {
    const state = pimState[entraObjectId(group) ?? ''];
    if (!state || (!state.eligible.length && !state.active.length)) return [];
    const active = state.active.map((a) => `${a.name} (${a.how})`).join(', ') || 'nobody';
    return [{ kind: 'pim', instance: aws.instance, subject: `group ${group.displayName}`, detail: `eligible: ${state.eligible.join(', ') || 'nobody'}; active now: ${active}`, needsAction: false }];
  });
}

function unreadableParts(aws: AwsSnapshot): AccessFinding[] {
  const parts: AccessFinding[] = [];
  // Without the config comparison every assignment's "managed" is unknown: the report is not complete.
  if (!aws.meant.readable) parts.push({ kind: 'not-readable', instance: aws.instance, subject: 'which assignments Terraform manages', detail: aws.meant.reason, action: 'give the profile the Organizations read permissions (npm run permissions) and run again', needsAction: true });
  // Without a state the stacks' rule does not reach the account, and which of its assignments an entry means is not known.
  for (const account of aws.accounts.filter((a) => a.state === undefined)) {
    parts.push({
      kind: 'not-readable',
      instance: aws.instance,
      subject: accountLabel(aws, account.id),
      detail: 'Organizations gave neither State nor Status for this account: whether an entry on an OU or the Organization reaches it is not known, and the stacks reach only ACTIVE accounts',
      action: `read it (aws organizations describe-account --account-id ${account.id}) and run again`,
      needsAction: true,
    });
  }
  if (!aws.provisioningFailures.readable) parts.push({ kind: 'not-readable', instance: aws.instance, subject: 'permission set provisioning', detail: aws.provisioningFailures.reason, needsAction: false });
  return parts;
}

/** Every finding of one instance, in a stable order. */
export function accessFindings(aws: AwsSnapshot, entra: EntraSnapshot, timing: Timing): AccessFinding[] {
  return [...orphans(aws), ...unmanaged(aws), ...outOfScope(aws), ...missing(aws), ...membership(aws, entra, timing), ...provisioningFailures(aws), ...pim(aws, entra), ...unreadableParts(aws)];
}
