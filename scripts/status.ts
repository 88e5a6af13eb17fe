/**
 * `npm run status`: what each instance's federation looks like now, what will expire, and where it
 * drifted from what the last deploy set. A warning makes the exit code 1, so a scheduled CI job
 * can alert on it.
 */
import { keyWithThumbprint, SyncJob } from './clients/graph';
import { DeployRecord } from './deploy-record';
import { LiveState, readLiveState } from './deploy-state';
import { fingerprint } from './steps/identity-source';
import { scimCreated } from './steps/identity-store-users';
import { StepContext } from './steps/step';
import { findSyncJob } from './steps/sync-job';

// Identity Center SCIM tokens last about a year; Entra SAML signing certificates three years.
export const TOKEN_WARNING_DAYS = 30;
export const CERTIFICATE_WARNING_DAYS = 60;

export interface Finding {
  readonly what: string;
  readonly value: string;
  /** Set when someone should act: something expires soon, failed, or drifted. */
  readonly warning?: string;
}

const DAY_MS = 86_400_000;
const day = (date: Date) => date.toISOString().slice(0, 10);
const daysLeft = (until: Date, now: Date) => Math.floor((until.getTime() - now.getTime()) / DAY_MS);

function expiryFinding(what: string, subject: string, until: Date, now: Date, warnDays: number, fix: string): Finding {
  const left = daysLeft(until, now);
  const value = `${subject} expires ${day(until)} (${left} days)`;
  return left < warnDays ? { what, value, warning: `${what} ${subject} expires in ${left} days (warned under ${warnDays}): ${fix}` } : { what, value };
}

function identitySourceFindings(live: LiveState, record: DeployRecord | undefined): Finding[] {
  const { idp } = live;
  if (!idp) return [{ what: 'identity source', value: 'Identity Center directory', warning: 'identity source is the Identity Center directory, not Entra: run post-apply' }];
  const source: Finding = {
    what: 'identity source',
    value: `external IdP ${idp.entityId} (${idp.isEnabled ? 'enabled' : 'disabled'})`,
    warning: !idp.isEnabled ? 'the external IdP is disabled: run post-apply' : record && record.identitySource.idpId !== idp.idpId ? `drift: identity source is IdP ${idp.idpId}, the last deploy set ${record.identitySource.idpId}` : undefined,
  };
  const fingerprints = idp.certificates.map((c) => fingerprint(c.pem)).sort();
  const wanted = record?.identitySource;
  const drifted = wanted
    ? [
        wanted.entityId !== idp.entityId && `issuer ${idp.entityId} (set: ${wanted.entityId})`,
        wanted.loginUrl !== idp.loginUrl && `sign-in URL ${idp.loginUrl} (set: ${wanted.loginUrl})`,
        wanted.certificateFingerprints.join() !== fingerprints.join() && 'IdP certificates differ from those set',
      ].filter((d): d is string => Boolean(d))
    : [];
  const saml: Finding = {
    what: 'SAML settings',
    value: `sign-in ${idp.loginUrl}, ${idp.certificates.length} IdP certificate(s)`,
    warning: drifted.length ? `drift in SAML settings: ${drifted.join('; ')}` : undefined,
  };
  return [source, saml];
}

function signingCertificateFinding(live: LiveState, record: DeployRecord | undefined, now: Date): Finding {
  const thumbprint = (live.servicePrincipal.preferredTokenSigningKeyThumbprint ?? '').toUpperCase();
  const key = thumbprint ? keyWithThumbprint(live.servicePrincipal.keyCredentials ?? [], thumbprint) : undefined;
  const what = 'Entra signing certificate';
  if (!key) return { what, value: thumbprint || 'none active', warning: `no active Entra signing certificate ${thumbprint}: run post-apply` };
  const finding = expiryFinding(what, thumbprint, new Date(key.endDateTime), now, CERTIFICATE_WARNING_DAYS, 'add a new certificate in the azure-id stack, deploy, then post-apply imports it');
  if (record && record.entraSigningThumbprint !== thumbprint) return { ...finding, warning: `drift: Entra signs with ${thumbprint}, the last deploy set ${record.entraSigningThumbprint}` };
  return finding;
}

function provisioningFindings(live: LiveState, record: DeployRecord | undefined, credentialsWork: boolean, now: Date): Finding[] {
  if (!live.tenant) return [{ what: 'SCIM endpoint', value: 'automatic provisioning off', warning: 'automatic provisioning is off in Identity Center: run post-apply' }];
  const endpoint: Finding = {
    what: 'SCIM endpoint',
    value: live.tenant.scimEndpoint,
    warning: record && record.provisioning.scimEndpoint !== live.tenant.scimEndpoint ? `drift: SCIM endpoint ${live.tenant.scimEndpoint}, the last deploy set ${record.provisioning.scimEndpoint}` : undefined,
  };
  const tokens = live.tokens.length
    ? live.tokens.map((t) => expiryFinding('SCIM token', t.tokenId, new Date(t.expirationTime * 1000), now, TOKEN_WARNING_DAYS, 'run `npm run federation -- rotate-token`'))
    : [{ what: 'SCIM token', value: 'none', warning: 'no SCIM token exists: run post-apply' }];
  const recorded = record?.provisioning.tokenId;
  const secretDrift = recorded && !live.tokens.some((t) => t.tokenId === recorded) ? `drift: the token the last deploy handed to Entra (${recorded}) no longer exists` : undefined;
  const secret: Finding = {
    what: 'synchronization secret',
    value: credentialsWork ? `Entra's saved credentials pass the connection test${recorded ? ` (token ${recorded})` : ''}` : "Entra's saved credentials fail the connection test",
    warning: !credentialsWork ? `drift: Entra's synchronization secret no longer works${secretDrift ? `; ${secretDrift}` : ''}: run post-apply` : secretDrift,
  };
  return [endpoint, ...tokens, secret];
}

function jobFindings(job: SyncJob | undefined, scimUsers: number): Finding[] {
  if (!job) return [{ what: 'provisioning job', value: 'none', warning: 'the Entra app has no provisioning job: run post-apply' }];
  const { code, lastExecution, quarantine } = job.status;
  const last = lastExecution?.timeEnded ? `${lastExecution.state ?? '?'} at ${lastExecution.timeEnded}` : 'not run yet';
  return [
    { what: 'provisioning job', value: `${job.id}: ${code}`, warning: code === 'Active' ? undefined : `the provisioning job is ${code}, not Active: run post-apply` },
    { what: 'last provisioning run', value: last, warning: lastExecution?.state === 'Failed' ? `the last provisioning run failed: ${lastExecution.error?.message ?? 'see the provisioning logs in Entra'}` : undefined },
    quarantine
      ? { what: 'quarantine', value: `${quarantine.reason ?? 'quarantined'} since ${quarantine.currentBegan ?? '?'}`, warning: `the provisioning job is in quarantine (${quarantine.reason ?? '?'}): fix the cause, then run post-apply, which restarts it` }
      : { what: 'quarantine', value: 'none' },
    { what: 'users provisioned', value: `${scimUsers} by SCIM in Identity Center` },
  ];
}

/** Reads both clouds (no write) and compares with the last deploy's record. */
export async function instanceStatus(ctx: Pick<StepContext, 'input' | 'console' | 'graph' | 'identityStore'>, record: DeployRecord | undefined, now: Date): Promise<Finding[]> {
  const { input, graph } = ctx;
  const [live, job, scim] = await Promise.all([readLiveState(ctx), findSyncJob(graph, input.servicePrincipalId), scimCreated(ctx.identityStore, input.identityStoreId)]);
  const credentialsWork = job ? await graph.savedCredentialsWork(input.servicePrincipalId, job.id) : false;
  const recordFinding: Finding = record ? { what: 'last deploy', value: record.recordedAt } : { what: 'last deploy', value: 'no record', warning: 'no deploy record, so drift is not checked: run post-apply' };
  return [
    recordFinding,
    ...identitySourceFindings(live, record),
    signingCertificateFinding(live, record, now),
    ...provisioningFindings(live, record, credentialsWork, now),
    ...jobFindings(job, scim.users.length),
  ];
}

export function statusLines(instance: string, findings: Finding[]): string[] {
  const width = Math.max(...findings.map((f) => f.what.length));
  const warnings = findings.filter((f) => f.warning);
  return [
    `status of ${instance}:`,
    ...findings.map((f) => `  ${f.warning ? '!' : ' '} ${f.what.padEnd(width)}  ${f.value}`),
    ...warnings.map((f) => `warning: ${instance}: ${f.warning}`),
  ];
}
