/**
 * An enterprise app's provisioning (Graph synchronization): templates, jobs, secrets, the
 * credential test, start and pause, and provisionOnDemand with its rate limit.
 */
import { ON_DEMAND_MAX_MEMBERS, Outcome, SYNC_TEMPLATE_ID, USER_RULE_ID } from '../synchronization';
import { badRequest, existing, GraphFault, notFound, RouteContext } from './common';

// Graph synchronizationJob: provisionOnDemand: "The rate limit for this API is 5 requests per 10 seconds."
const ON_DEMAND_RATE = { requests: 5, windowMs: 10_000 };

/** The subject of an on-demand request as its answer names it. */
interface Subject {
  readonly id: string;
  readonly type: 'User' | 'Group';
  readonly reportableIdentifier: string;
}

/**
 * provisionOnDemand's answer (Graph synchronizationJob: provisionOnDemand, example 1): `key` holds the
 * verdict as JSON, `{"result", "details": {"errorCode", "errorMessage"}}`, `value` the provisioning steps.
 */
function onDemandAnswer(subject: Subject, outcome: Outcome) {
  const details = outcome.errorCode ? { errorCode: outcome.errorCode, errorMessage: outcome.errorMessage } : {};
  const statusInfo = { status: outcome.result, errorCode: outcome.result === 'Failure' ? outcome.errorCode : null, reason: outcome.errorMessage ?? null };
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair',
    key: JSON.stringify({ result: outcome.result, details }),
    value: JSON.stringify({
      action: outcome.action,
      reportableIdentifier: subject.reportableIdentifier,
      sourceIdentity: { id: subject.id, type: subject.type },
      targetIdentity: { id: outcome.targetId ?? null, type: subject.type === 'User' ? 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' : 'urn:ietf:params:scim:schemas:core:2.0:Group' },
      statusInfo,
    }),
  };
}

export function synchronizationRoutes(ctx: RouteContext, v: string): void {
  const d = ctx.directory;
  // Per service principal: when its last on-demand requests arrived.
  const onDemandTimes = new Map<string, number[]>();

  /** Graph provisionOnDemand's rate limit, per service principal: beyond it a 429 with Retry-After. */
  const limitOnDemandRate = (spId: string): void => {
    const now = Date.now();
    const recent = (onDemandTimes.get(spId) ?? []).filter((t) => now - t < ON_DEMAND_RATE.windowMs);
    if (recent.length >= ON_DEMAND_RATE.requests) {
      const retryAfter = Math.ceil((recent[0] + ON_DEMAND_RATE.windowMs - now) / 1000);
      onDemandTimes.set(spId, recent);
      throw new GraphFault(429, 'TooManyRequests', `provisionOnDemand allows ${ON_DEMAND_RATE.requests} requests per ${ON_DEMAND_RATE.windowMs / 1000} seconds`, { 'Retry-After': String(retryAfter) });
    }
    onDemandTimes.set(spId, [...recent, now]);
  };

  /** A group subject: `links.members` names at most 5 users (provision-on-demand.md, Known limitations). */
  const provisionGroupOnDemand = async (spId: string, subject: any) => {
    const group = ctx.group(subject.objectId);
    const named: { objectId: string; objectTypeName?: string }[] = subject.links?.members ?? [];
    if (named.length > ON_DEMAND_MAX_MEMBERS) throw badRequest(`On-demand provisioning accepts a single group with up to ${ON_DEMAND_MAX_MEMBERS} members; ${named.length} were given.`);
    const users = named.map((m) => existing(d.users.get(m.objectId), m.objectId));
    const outcome = await ctx.syncOf(spId).provisionGroupOnDemand(group, users);
    return onDemandAnswer({ id: group.id, type: 'Group', reportableIdentifier: group.displayName }, outcome);
  };

  const sync = `${v}/servicePrincipals/{id}/synchronization`;
  ctx.route('GET', `${sync}/templates`, ([id]) => (ctx.sp(id), { value: [{ id: SYNC_TEMPLATE_ID, factoryTag: SYNC_TEMPLATE_ID, default: true }] }));
  ctx.route('GET', `${sync}/jobs`, ([id]) => ({ value: ctx.syncOf(id).jobs }));
  ctx.route('POST', `${sync}/jobs`, ([id], body) => {
    if (body.templateId !== SYNC_TEMPLATE_ID) throw badRequest(`Unknown template ${body.templateId}`);
    return [201, ctx.syncOf(id).createJob(body.templateId)];
  });
  ctx.route('GET', `${sync}/jobs/{jobId}`, ([id, jobId]) => ctx.jobOf(id, jobId));
  ctx.route('DELETE', `${sync}/jobs/{jobId}`, ([id, jobId]) => {
    const s = ctx.syncOf(id);
    s.pause(ctx.jobOf(id, jobId));
    s.jobs.splice(s.jobs.indexOf(ctx.jobOf(id, jobId)), 1);
    return [204];
  });
  ctx.route('GET', `${sync}/jobs/{jobId}/schema`, ([id, jobId]) => (ctx.jobOf(id, jobId), ctx.syncOf(id).schema()));
  ctx.route('PUT', `${sync}/secrets`, ([id], body) => {
    ctx.syncOf(id).saveSecrets(body.value);
    return [204];
  });
  ctx.route('POST', `${sync}/jobs/{jobId}/validateCredentials`, async ([id, jobId], body) => {
    ctx.jobOf(id, jobId);
    const works = await ctx.syncOf(id).credentialsWork(body.useSavedCredentials ? undefined : body.credentials);
    if (!works) throw new GraphFault(400, 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable', 'You appear to have entered invalid credentials.');
    return [204];
  });
  ctx.route('POST', `${sync}/jobs/{jobId}/start`, ([id, jobId]) => (ctx.syncOf(id).start(ctx.jobOf(id, jobId)), [204]));
  ctx.route('POST', `${sync}/jobs/{jobId}/pause`, ([id, jobId]) => (ctx.syncOf(id).pause(ctx.jobOf(id, jobId)), [204]));
  ctx.route('POST', `${sync}/jobs/{jobId}/provisionOnDemand`, async ([id, jobId], body) => {
    ctx.jobOf(id, jobId);
    limitOnDemandRate(id);
    const [parameters] = body.parameters ?? [];
    if (parameters?.ruleId !== USER_RULE_ID) throw badRequest(`Unknown rule ${parameters?.ruleId}`);
    const [subject] = parameters.subjects ?? [];
    if (subject?.objectTypeName === 'Group') return [200, await provisionGroupOnDemand(id, subject)];
    const user = d.users.get(subject?.objectId);
    if (!user) throw notFound(subject?.objectId);
    return [200, onDemandAnswer({ id: user.id, type: 'User', reportableIdentifier: user.userPrincipalName }, await ctx.syncOf(id).provisionOnDemand(user))];
  });
}
