import { createHash } from 'node:crypto';
import { Directory, Group, User } from './directory';

export const SYNC_TEMPLATE_ID = 'aWSSingleSignon';
// The outbound user rule of the job schema (the id a public Terraform module hard-codes; Graph synchronizationSchema).
export const USER_RULE_ID = '03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
// Microsoft "Tutorial: Develop and plan provisioning for a SCIM endpoint" (use-scim-to-provision-users-and-groups.md):
// Entra changes group membership with PATCH; the AWS SCIM developer guide, PatchGroup, takes at most 100 membership changes per request.
const MEMBER_CHANGES_PER_PATCH = 100;
// Microsoft Entra "On-demand provisioning" (provision-on-demand.md, Known limitations): one group with up to 5 members per request.
export const ON_DEMAND_MAX_MEMBERS = 5;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
// Graph "Create synchronizationJob" response example: a new job's schedule interval and its never-reached steady state.
const UNSCHEDULED_INTERVAL = 'P10675199DT2H48M5.4775807S';
const NEVER = '0001-01-01T00:00:00Z';
// Microsoft Entra "Application provisioning in quarantine status": retries are gradually reduced to once a day.
const QUARANTINE_MAX_BACKOFF_MS = 86_400_000;
const CREDENTIALS_REFUSED = {
  code: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
  message: 'The SCIM endpoint refused the saved credentials',
  tenantActionable: true,
};

/** synchronizationError (Graph resource page). */
interface SyncError {
  code: string;
  message: string;
  tenantActionable: boolean;
}

/** synchronizationTaskExecution (Graph resource page): state is Succeeded, Failed or EntryLevelErrors. */
interface Execution {
  state: 'Succeeded' | 'Failed' | 'EntryLevelErrors';
  timeBegan: string;
  timeEnded: string;
  countEntitled: number;
  countExported: number;
  countEscrowed: number;
  error: SyncError | null;
}

/** synchronizationQuarantine (Graph resource page). */
interface Quarantine {
  currentBegan: string;
  nextAttempt: string;
  reason: 'EncounteredQuarantineException';
  seriesBegan: string;
  seriesCount: number;
  error: SyncError;
}

/** synchronizationJob with its synchronizationSchedule and synchronizationStatus (Graph resource pages). */
export interface Job {
  id: string;
  templateId: string;
  schedule: { expiration: string | null; interval: string; state: 'Active' | 'Disabled' | 'Paused' };
  status: {
    // NotConfigured: no authorization yet; NotRun: configured, possibly started, no cycle finished (synchronizationStatus page).
    code: 'NotConfigured' | 'NotRun' | 'Active' | 'Paused' | 'Quarantine';
    countSuccessiveCompleteFailures: number;
    escrowsPruned: boolean;
    lastExecution: Execution | null;
    lastSuccessfulExecution: Execution | null;
    lastSuccessfulExecutionWithExports: Execution | null;
    quarantine: Quarantine | null;
    steadyStateFirstAchievedTime: string;
    steadyStateLastAchievedTime: string;
    synchronizedEntryCountByType: { key: string; value: number }[];
    troubleshootingUrl: string | null;
  };
}

/** One user's export, as provisionOnDemand's verdict and the provisioning logs describe it. */
export interface Outcome {
  result: 'Success' | 'Skipped' | 'Failure';
  action: 'Create' | 'Update' | 'Disable' | 'Other';
  errorCode?: string;
  errorMessage?: string;
  targetId?: string;
}

/** The SCIM endpoint refused the saved token: a job-level failure (quarantine), not one user's. */
class CredentialsRefused extends Error {}

type ScimUser = Record<string, any>;

interface ExportedGroup {
  targetId: string;
  displayName: string;
  members: Set<string>;
}

/** The attributes Entra compares on a matched user, with the SCIM PATCH path it writes each to. */
const COMPARED: [path: string, read: (u: ScimUser) => unknown][] = [
  ['active', (u) => u.active],
  ['displayName', (u) => u.displayName],
  ['externalId', (u) => u.externalId],
  ['name.givenName', (u) => u.name?.givenName],
  ['name.familyName', (u) => u.name?.familyName],
  ['emails[type eq "work"].value', (u) => u.emails?.find((e: { type?: string }) => e.type === 'work')?.value],
  [`${ENTERPRISE}:department`, (u) => u[ENTERPRISE]?.department],
];

/**
 * The SCIM resource the AWS IAM Identity Center gallery app's default mappings make of an Entra user
 * (Microsoft tutorial "Configure AWS IAM Identity Center for automatic user provisioning": userName ←
 * userPrincipalName, externalId ← mailNickname, active ← not soft-deleted, name, department).
 * unverified: the tutorial maps emails from `mail`; our test users have none, so the UPN is sent.
 */
function scimUserOf(user: User, active: boolean): ScimUser {
  return {
    schemas: [CORE, ENTERPRISE],
    userName: user.userPrincipalName,
    externalId: user.mailNickname,
    active,
    displayName: user.displayName,
    name: { givenName: user.givenName, familyName: user.surname },
    emails: [{ value: user.userPrincipalName, type: 'work', primary: true }],
    [ENTERPRISE]: { department: user.department },
  };
}

/** The Replace operations that bring a matched target user to what the source says (Microsoft SCIM tutorial, PATCH examples). */
function changesBetween(target: ScimUser, desired: ScimUser) {
  return COMPARED.filter(([, read]) => read(desired) !== undefined && read(desired) !== read(target)).map(([path, read]) => ({ op: 'Replace', path, value: read(desired) }));
}

/** Why a SCIM answer fails one user (Microsoft Entra provisioning logs' error codes). */
async function entryFailure(response: Response): Promise<Outcome> {
  if (response.status === 401 || response.status === 403) throw new CredentialsRefused();
  const detail = await response.text().catch(() => '');
  // unverified: the exact code Entra logs for a SCIM 409 on create; the provisioning logs' "EntryConflict" row (Microsoft Learn, provisioning logs).
  const errorCode = response.status === 409 ? 'EntryConflict' : `SystemForCrossDomainIdentityManagementServiceIncompatible`;
  return { result: 'Failure', action: 'Other', errorCode, errorMessage: `StatusCode: ${response.status} Web Response: ${detail}` };
}

const now = () => new Date().toISOString();
// How often one SCIM request is sent while Identity Center answers 429 (unverified, see scim()).
const SCIM_THROTTLED_ATTEMPTS = 5;

/**
 * Entra provisioning for one service principal: the jobs, their saved credentials and their cycles.
 * A cycle really sends the users in scope to the saved SCIM endpoint with the saved token, the way
 * Microsoft's "How application provisioning works" describes: match on userName first, adopt and
 * update a match, create otherwise, disable (never delete) a user who leaves the scope. A token the
 * endpoint refuses quarantines the job; a user the endpoint refuses is that user's failure only.
 */
export class Synchronization {
  readonly jobs: Job[] = [];
  secrets: { key: string; value: string }[] = [];
  private timer?: NodeJS.Timeout;
  // Per Entra user: what was last exported and the target's id; later cycles send only what changed (incremental cycles).
  private readonly exported = new Map<string, { fingerprint: string; targetId: string }>();
  // Per Entra group: the target's id, the name last sent and the target user ids Entra added (SCIM GET returns no members to compare with).
  private readonly exportedGroups = new Map<string, ExportedGroup>();
  // One export at a time: a cycle and an on-demand request never race on the same user.
  // unverified: Graph does not document how the service orders a cycle and an on-demand request.
  private exporting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly directory: Directory,
    private readonly spId: string,
    private readonly cycleMs: number,
  ) {}

  /** Graph "Create synchronizationJob": created disabled, NotConfigured until credentials are saved. */
  createJob(templateId: string): Job {
    const hash = createHash('sha1').update(this.spId).digest('hex').slice(0, 32);
    const job: Job = {
      id: `${templateId}.${hash}.${this.directory.tenantId}`,
      templateId,
      schedule: { expiration: null, interval: UNSCHEDULED_INTERVAL, state: 'Disabled' },
      status: {
        code: this.secret('SecretToken') ? 'NotRun' : 'NotConfigured',
        countSuccessiveCompleteFailures: 0,
        escrowsPruned: false,
        lastExecution: null,
        lastSuccessfulExecution: null,
        lastSuccessfulExecutionWithExports: null,
        quarantine: null,
        steadyStateFirstAchievedTime: NEVER,
        steadyStateLastAchievedTime: NEVER,
        synchronizedEntryCountByType: [],
        troubleshootingUrl: null,
      },
    };
    this.jobs.push(job);
    return job;
  }

  /** Saved credentials are the authorization a NotConfigured job lacks (synchronizationStatus: NotConfigured). */
  saveSecrets(secrets: { key: string; value: string }[]): void {
    this.secrets = secrets;
    for (const job of this.jobs) if (job.status.code === 'NotConfigured' && this.secret('SecretToken')) job.status.code = 'NotRun';
  }

  private secret(key: string, from = this.secrets): string | undefined {
    return from.find((s) => s.key === key)?.value;
  }

  private async scim(method: string, path: string, body: unknown, credentials = this.secrets): Promise<Response> {
    const base = this.secret('BaseAddress', credentials);
    if (!base) return new Response(null, { status: 401 });
    // The tenant URL may end in a slash (Identity Center's SCIM endpoint does): join, never double it.
    const send = () =>
      fetch(`${base.replace(/\/$/, '')}/${path}`, {
        method,
        headers: { authorization: `Bearer ${this.secret('SecretToken', credentials)}`, 'content-type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // unverified: that Entra's provisioning service waits out a SCIM 429's Retry-After and sends the
    // request again (AWS SCIM developer guide: Identity Center answers 429 when throttling).
    for (let attempt = 1; ; attempt++) {
      const answer = await send();
      if (answer.status !== 429 || attempt === SCIM_THROTTLED_ATTEMPTS) return answer;
      await new Promise((resolve) => setTimeout(resolve, 1000 * (Number(answer.headers.get('retry-after')) || 1)));
    }
  }

  private findByUserName(userName: string, credentials = this.secrets): Promise<Response> {
    return this.scim('GET', `Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, undefined, credentials);
  }

  /** The console's Test Connection: the SCIM endpoint answers a query with these credentials. */
  async credentialsWork(credentials = this.secrets): Promise<boolean> {
    const answer = await this.findByUserName('connection-test', credentials).catch(() => undefined);
    return Boolean(answer?.ok);
  }

  /** Graph "Start synchronizationJob": schedules the job and clears a quarantine; NotRun until a cycle finishes. */
  start(job: Job): void {
    job.schedule.state = 'Active';
    job.status.quarantine = null;
    job.status.code = job.status.lastExecution ? 'Active' : 'NotRun';
    this.schedule(job, 0);
  }

  /** Graph "Pause synchronizationJob": the schedule pauses and the job keeps its state. */
  pause(job: Job): void {
    job.schedule.state = 'Paused';
    job.status.code = 'Paused';
    clearTimeout(this.timer);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private schedule(job: Job, delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.cycle(job), delayMs);
    this.timer.unref();
  }

  private inScope(user: User): boolean {
    // Default scope "sync only assigned users and groups" (IsEffectivelyEntitledForProvisioning in the provisioning steps).
    return this.directory.assignedUsers(this.spId).includes(user);
  }

  /** One provisioning cycle, then the next: at the job's interval, or less often while quarantined. */
  private async cycle(job: Job): Promise<void> {
    if (job.schedule.state !== 'Active') return;
    const timeBegan = now();
    try {
      // unverified: that an incremental cycle with nothing to export still notices a revoked token.
      if (!(await this.credentialsWork())) throw new CredentialsRefused();
      const outcomes = await this.exportChanges();
      this.finish(job, timeBegan, outcomes);
      if (job.schedule.state === 'Active') this.schedule(job, this.cycleMs);
    } catch (error) {
      if (!(error instanceof CredentialsRefused)) throw error;
      this.quarantine(job, timeBegan);
      this.schedule(job, Date.parse(job.status.quarantine!.nextAttempt) - Date.now());
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exporting.then(work, work);
    this.exporting = run.catch(() => undefined);
    return run;
  }

  private exportChanges(): Promise<Outcome[]> {
    return this.exclusive(() => this.exportEach());
  }

  private async exportEach(): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const user of this.directory.assignedUsers(this.spId)) {
      if (this.exported.get(user.id)?.fingerprint !== JSON.stringify(user)) outcomes.push(await this.provision(user));
    }
    for (const [userId, { fingerprint, targetId }] of this.exported) {
      const user = this.directory.users.get(userId);
      if (fingerprint !== 'disabled' && (!user || !this.inScope(user))) outcomes.push(await this.disable(userId, targetId));
    }
    // Groups after users: a member is added by the id its user got in the target.
    const groups = this.directory.assignedGroups(this.spId);
    for (const group of groups) outcomes.push(await this.provisionGroup(group, { add: this.directMembers(group) }));
    for (const [groupId, { targetId }] of this.exportedGroups) if (!groups.some((g) => g.id === groupId)) outcomes.push(await this.deleteGroup(groupId, targetId));
    return outcomes;
  }

  /** The group's direct user members; a nested group's members are not provisioned (Microsoft Entra "Known issues for provisioning"). */
  private directMembers(group: Group): User[] {
    return [...group.memberIds].map((id) => this.directory.users.get(id)).filter((u): u is User => Boolean(u));
  }

  private finish(job: Job, timeBegan: string, outcomes: Outcome[]): void {
    const escrowed = outcomes.filter((o) => o.result === 'Failure').length;
    const execution: Execution = {
      state: escrowed ? 'EntryLevelErrors' : 'Succeeded',
      timeBegan,
      timeEnded: now(),
      countEntitled: this.directory.assignedUsers(this.spId).length + this.directory.assignedGroups(this.spId).length,
      countExported: outcomes.filter((o) => o.result === 'Success').length,
      countEscrowed: escrowed,
      error: null,
    };
    const status = job.status;
    status.lastExecution = execution;
    if (!escrowed) status.lastSuccessfulExecution = execution;
    if (execution.countExported) status.lastSuccessfulExecutionWithExports = execution;
    status.countSuccessiveCompleteFailures = 0;
    status.quarantine = null;
    if (status.steadyStateFirstAchievedTime === NEVER) status.steadyStateFirstAchievedTime = execution.timeEnded;
    status.steadyStateLastAchievedTime = execution.timeEnded;
    if (job.schedule.state === 'Active') status.code = 'Active';
  }

  /** synchronizationQuarantine: a series begins once, then each re-evaluation that still fails counts and backs off. */
  private quarantine(job: Job, timeBegan: string): void {
    const status = job.status;
    const previous = status.quarantine;
    const seriesCount = previous ? previous.seriesCount + 1 : 0;
    const backoffMs = Math.min(this.cycleMs * 2 ** (seriesCount + 1), QUARANTINE_MAX_BACKOFF_MS);
    const currentBegan = now();
    status.code = 'Quarantine';
    status.countSuccessiveCompleteFailures++;
    status.lastExecution = { state: 'Failed', timeBegan, timeEnded: currentBegan, countEntitled: 0, countExported: 0, countEscrowed: 0, error: CREDENTIALS_REFUSED };
    status.quarantine = {
      currentBegan,
      nextAttempt: new Date(Date.now() + backoffMs).toISOString(),
      reason: 'EncounteredQuarantineException',
      seriesBegan: previous?.seriesBegan ?? currentBegan,
      seriesCount,
      error: CREDENTIALS_REFUSED,
    };
  }

  /** Match on userName, then adopt and update the match or create the user (Microsoft "How application provisioning works"). */
  private async provision(user: User): Promise<Outcome> {
    const desired = scimUserOf(user, user.accountEnabled);
    const found = await this.findByUserName(user.userPrincipalName);
    if (!found.ok) return entryFailure(found);
    const [match] = ((await found.json()) as { Resources?: ScimUser[] }).Resources ?? [];
    const outcome = match ? await this.update(match, desired) : await this.create(desired);
    if (outcome.targetId) this.exported.set(user.id, { fingerprint: JSON.stringify(user), targetId: outcome.targetId });
    return outcome;
  }

  private async create(desired: ScimUser): Promise<Outcome> {
    const created = await this.scim('POST', 'Users', desired);
    if (!created.ok) return entryFailure(created);
    return { result: 'Success', action: 'Create', targetId: ((await created.json()) as ScimUser).id };
  }

  private async update(match: ScimUser, desired: ScimUser): Promise<Outcome> {
    const operations = changesBetween(match, desired);
    // Graph provisionOnDemand example: nothing to change is Skipped with RedundantExport.
    if (!operations.length) return { result: 'Skipped', action: 'Other', errorCode: 'RedundantExport', errorMessage: 'The state of the user in both the source and target systems already match.', targetId: match.id };
    const patched = await this.scim('PATCH', `Users/${match.id}`, { schemas: [PATCH_OP], Operations: operations });
    if (!patched.ok) return entryFailure(patched);
    return { result: 'Success', action: 'Update', targetId: match.id };
  }

  /** A user who leaves the scope is disabled in the target, not deleted (Microsoft "How application provisioning works", de-provisioning). */
  private async disable(userId: string, targetId: string): Promise<Outcome> {
    const patched = await this.scim('PATCH', `Users/${targetId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: false }] });
    if (!patched.ok) return entryFailure(patched);
    this.exported.set(userId, { fingerprint: 'disabled', targetId });
    return { result: 'Success', action: 'Disable', targetId };
  }

  /**
   * One group, as the Microsoft SCIM tutorial's group requests show: matched on displayName first
   * (use-scim-to-provision-users-and-groups.md: groups are matched on displayName), created with no
   * members and externalId = the Entra object id (the gallery app's default group mappings: displayName,
   * externalId ← objectId, members), then the members it lacks added and those that left removed by
   * PATCH, at most 100 changes a request. A group Entra exported before is followed by its target id,
   * so a rename is a PATCH of displayName, not a new group.
   */
  private async provisionGroup(group: Group, change: { add: readonly User[]; onDemand?: boolean }): Promise<Outcome> {
    const known = this.exportedGroups.get(group.id);
    const target = known ? await this.renamed(known, group) : await this.matchOrCreateGroup(group);
    if ('result' in target) return target;
    this.exportedGroups.set(group.id, target);
    const wanted = this.targetIds(change.add);
    const adds = [...wanted].filter((id) => !target.members.has(id));
    // A cycle removes every member Entra added that is no longer wanted; an on-demand request removes none (provisionGroupOnDemand).
    const removes = change.onDemand ? [] : [...target.members].filter((id) => !wanted.has(id));
    const patched = (await this.patchMembers(target, 'Add', adds)) ?? (await this.patchMembers(target, 'Remove', removes));
    if (patched) return patched;
    const action = known ? (adds.length || removes.length || known.displayName !== group.displayName ? 'Update' : 'Other') : 'Create';
    if (action === 'Other') return { result: 'Skipped', action, errorCode: 'RedundantExport', errorMessage: 'The state of the group in both the source and target systems already match.', targetId: target.targetId };
    return { result: 'Success', action, targetId: target.targetId };
  }

  private targetIds(users: readonly User[]): Set<string> {
    return new Set(users.map((u) => this.exported.get(u.id)).filter((e) => e && e.fingerprint !== 'disabled').map((e) => e!.targetId));
  }

  private async renamed(known: ExportedGroup, group: Group): Promise<ExportedGroup | Outcome> {
    if (known.displayName === group.displayName) return known;
    const patched = await this.scim('PATCH', `Groups/${known.targetId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: group.displayName }] });
    if (!patched.ok) return entryFailure(patched);
    return { ...known, displayName: group.displayName };
  }

  private async matchOrCreateGroup(group: Group): Promise<ExportedGroup | Outcome> {
    const found = await this.scim('GET', `Groups?filter=${encodeURIComponent(`displayName eq "${group.displayName}"`)}`, undefined);
    if (!found.ok) return entryFailure(found);
    const [match] = ((await found.json()) as { Resources?: ScimUser[] }).Resources ?? [];
    if (match) {
      // An adopted group gets Entra's externalId; its members cannot be read back (SCIM GET returns none), so all are added.
      if (match.externalId !== group.id) {
        const patched = await this.scim('PATCH', `Groups/${match.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'externalId', value: group.id }] });
        if (!patched.ok) return entryFailure(patched);
      }
      return { targetId: match.id, displayName: group.displayName, members: new Set() };
    }
    const created = await this.scim('POST', 'Groups', { schemas: [GROUP_SCHEMA], displayName: group.displayName, externalId: group.id, members: [] });
    if (!created.ok) return entryFailure(created);
    return { targetId: ((await created.json()) as ScimUser).id, displayName: group.displayName, members: new Set() };
  }

  /** Membership changes in requests of at most 100 (Microsoft SCIM tutorial: Add/Remove members with a value list); the first failure ends it. */
  private async patchMembers(target: ExportedGroup, op: 'Add' | 'Remove', ids: string[]): Promise<Outcome | undefined> {
    for (let i = 0; i < ids.length; i += MEMBER_CHANGES_PER_PATCH) {
      const batch = ids.slice(i, i + MEMBER_CHANGES_PER_PATCH);
      const patched = await this.scim('PATCH', `Groups/${target.targetId}`, { schemas: [PATCH_OP], Operations: [{ op, path: 'members', value: batch.map((value) => ({ value })) }] });
      if (!patched.ok) return entryFailure(patched);
      batch.forEach((id) => (op === 'Add' ? target.members.add(id) : target.members.delete(id)));
    }
    return undefined;
  }

  /** unverified: that Entra deletes a group in the target when it leaves the scope (users are only disabled). */
  private async deleteGroup(groupId: string, targetId: string): Promise<Outcome> {
    const deleted = await this.scim('DELETE', `Groups/${targetId}`, undefined);
    if (!deleted.ok && deleted.status !== 404) return entryFailure(deleted);
    this.exportedGroups.delete(groupId);
    return { result: 'Success', action: 'Other', targetId };
  }

  /**
   * provisionOnDemand for a group and up to 5 of its members: the group must be assigned (its scope),
   * each named user is provisioned as a user first, then the named members are added; other members are
   * left for the next cycle ("updating up to five members at a time", provision-on-demand.md).
   * A named user who is no longer a member is not removed: Microsoft's "Configure AWS IAM Identity Center
   * for automatic user provisioning" tutorial, just-in-time access: "Deactivation is done during the regular
   * incremental cycle. It isn't processed immediately through on-demand provisioning."
   * unverified: the verdict Entra gives then; taken here as the group's own (nothing to do is Skipped, RedundantExport).
   */
  async provisionGroupOnDemand(group: Group, named: User[]): Promise<Outcome> {
    if (!this.directory.assignedGroups(this.spId).includes(group)) {
      return { result: 'Skipped', action: 'Other', errorCode: 'NotEffectivelyEntitled', errorMessage: `The Group '${group.displayName}' will be skipped: it is not assigned to the application (IsEffectivelyEntitledForProvisioning: False).` };
    }
    const members = named.filter((u) => group.memberIds.has(u.id));
    return this.onDemand(async () => {
      for (const user of members) {
        const outcome = await this.provision(user);
        if (outcome.result === 'Failure') return outcome;
      }
      return this.provisionGroup(group, { add: members, onDemand: true });
    });
  }

  /** One export at a time; a refused token fails this request only (only a cycle quarantines the job). */
  private async onDemand(work: () => Promise<Outcome>): Promise<Outcome> {
    try {
      return await this.exclusive(work);
    } catch (error) {
      if (!(error instanceof CredentialsRefused)) throw error;
      return { result: 'Failure', action: 'Other', errorCode: CREDENTIALS_REFUSED.code, errorMessage: CREDENTIALS_REFUSED.message };
    }
  }

  /**
   * provisionOnDemand for one user: scoping first (an unassigned user is Skipped, not provisioned),
   * then the same match-and-export a cycle does. A refused token is this request's failure; only a
   * cycle quarantines the job.
   */
  async provisionOnDemand(user: User): Promise<Outcome> {
    if (!this.inScope(user)) {
      // Microsoft Entra provisioning logs: SkipReason NotEffectivelyEntitled for a user not assigned to the app.
      return { result: 'Skipped', action: 'Other', errorCode: 'NotEffectivelyEntitled', errorMessage: `The User '${user.userPrincipalName}' will be skipped: it is not assigned to the application (IsEffectivelyEntitledForProvisioning: False).` };
    }
    return this.onDemand(() => this.provision(user));
  }

  schema() {
    return {
      synchronizationRules: [
        // unverified: that the gallery app's schema holds the group mapping in the same rule as the user mapping.
        {
          id: USER_RULE_ID,
          name: 'USER_OUTBOUND_USER',
          sourceDirectoryName: 'Azure Active Directory',
          targetDirectoryName: 'customappsso',
          objectMappings: [
            { sourceObjectName: 'User', targetObjectName: ENTERPRISE, enabled: true },
            { sourceObjectName: 'Group', targetObjectName: GROUP_SCHEMA, enabled: true },
          ],
        },
      ],
    };
  }
}
