import { createHash } from 'node:crypto';
import { Directory, User } from './directory';

export const SYNC_TEMPLATE_ID = 'aWSSingleSignon';
// The outbound user rule of the job schema (the id a public module hard-codes; reference/entra-graph.md).
export const USER_RULE_ID = '03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export interface Job {
  id: string;
  templateId: string;
  status: {
    code: 'NotRun' | 'Active' | 'Paused' | 'Quarantine';
    lastExecution: { state: string; timeBegan: string; timeEnded: string; error?: { code: string; message: string } } | null;
    quarantine: { reason: string; error: { code: string; message: string } } | null;
  };
}

type PushResult = 'Success' | 'Skipped' | 'Failure';

/**
 * Entra provisioning for one service principal: the job, its saved credentials and its cycles. A
 * cycle really sends the assigned users to the saved SCIM endpoint with the saved token; a token
 * the endpoint refuses puts the job in quarantine, as the real service does.
 */
export class Synchronization {
  readonly jobs: Job[] = [];
  secrets: { key: string; value: string }[] = [];
  private timer?: NodeJS.Timeout;
  // What each cycle last exported per user: later cycles send only what changed, as Entra's incremental cycles do.
  private readonly exported = new Map<string, string>();

  constructor(
    private readonly directory: Directory,
    private readonly spId: string,
    private readonly cycleMs: number,
  ) {}

  createJob(templateId: string): Job {
    const hash = createHash('sha1').update(this.spId).digest('hex').slice(0, 32);
    const job: Job = { id: `${templateId}.${hash}.${this.directory.tenantId}`, templateId, status: { code: 'NotRun', lastExecution: null, quarantine: null } };
    this.jobs.push(job);
    return job;
  }

  private secret(key: string, from = this.secrets): string | undefined {
    return from.find((s) => s.key === key)?.value;
  }

  private scim(method: string, path: string, body: unknown, credentials = this.secrets): Promise<Response> {
    const base = this.secret('BaseAddress', credentials);
    if (!base) return Promise.resolve(new Response(null, { status: 401 }));
    // The tenant URL may end in a slash (Identity Center's SCIM endpoint does): join, never double it.
    return fetch(`${base.replace(/\/$/, '')}/${path}`, {
      method,
      headers: { authorization: `Bearer ${this.secret('SecretToken', credentials)}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** The console's Test Connection: the SCIM endpoint answers a query with these credentials. */
  async credentialsWork(credentials = this.secrets): Promise<boolean> {
    const answer = await this.scim('GET', `Users?filter=${encodeURIComponent('userName eq "connection-test"')}`, undefined, credentials).catch(() => undefined);
    return Boolean(answer?.ok);
  }

  start(job: Job): void {
    job.status.code = 'Active';
    job.status.quarantine = null;
    this.schedule(job, 0);
  }

  pause(job: Job): void {
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

  /** One provisioning cycle over every assigned user, then the next one while the job is active. */
  private async cycle(job: Job): Promise<void> {
    if (job.status.code !== 'Active') return;
    const timeBegan = new Date().toISOString();
    let failure: { code: string; message: string } | undefined;
    for (const user of this.directory.assignedUsers(this.spId)) {
      const fingerprint = JSON.stringify(user);
      if (this.exported.get(user.id) === fingerprint && job.status.lastExecution) {
        // Unchanged since the last export; an incremental cycle still checks that the endpoint answers.
        if ((await this.scim('GET', 'Users?filter=' + encodeURIComponent(`userName eq "${user.userPrincipalName}"`), undefined)).status === 401) {
          failure = { code: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure', message: 'The SCIM endpoint refused the saved credentials' };
          break;
        }
        continue;
      }
      const result = await this.push(user).catch(() => 'Failure' as const);
      if (result !== 'Failure') this.exported.set(user.id, fingerprint);
      if (result === 'Failure') {
        failure = {
          code: 'SystemForCrossDomainIdentityManagementCredentialValidationFailure',
          message: 'The SCIM endpoint refused the saved credentials',
        };
        break;
      }
    }
    job.status.lastExecution = { state: failure ? 'Failed' : 'Succeeded', timeBegan, timeEnded: new Date().toISOString(), error: failure };
    if (failure) {
      job.status.code = 'Quarantine';
      job.status.quarantine = { reason: 'EncounteredQuarantineException', error: failure };
      return;
    }
    if (job.status.code === 'Active') this.schedule(job, this.cycleMs);
  }

  /** Sends one user: matched by userName, created when missing (reference/entra-graph.md mappings). */
  async push(user: User): Promise<PushResult> {
    const found = await this.scim('GET', `Users?filter=${encodeURIComponent(`userName eq "${user.userPrincipalName}"`)}`, undefined);
    if (found.status === 401) return 'Failure';
    if (found.ok && ((await found.json()) as { totalResults: number }).totalResults > 0) return 'Skipped';
    const created = await this.scim('POST', 'Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      userName: user.userPrincipalName,
      externalId: user.mailNickname,
      displayName: user.displayName,
      name: { givenName: user.givenName, familyName: user.surname },
      emails: [{ value: user.userPrincipalName, type: 'work', primary: true }],
      active: user.accountEnabled,
      [ENTERPRISE]: { department: user.department },
    });
    // A user Identity Center already holds that SCIM did not create (NikkiWolf, made by hand) is left alone.
    if (created.status === 409) return 'Skipped';
    return created.status === 201 ? 'Success' : 'Failure';
  }

  schema() {
    return {
      synchronizationRules: [
        { id: USER_RULE_ID, name: 'USER_OUTBOUND_USER', sourceDirectoryName: 'Azure Active Directory', targetDirectoryName: 'customappsso', objectMappings: [{ sourceObjectName: 'User', targetObjectName: ENTERPRISE, enabled: true }] },
      ],
    };
  }
}
