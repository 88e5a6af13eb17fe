import { OnDemandResult } from '../clients/graph';
import { pollUntil, RetryTimeoutError } from '../retry';
import { createdByTenants, findUser } from './identity-store-users';
import { Clock } from './provision-groups';
import { already, changed, defineStep, fails, holds, Step, StepContext } from './step';
import { ensureSyncJob } from './sync-job';

// How long a user Entra reports as provisioned may take to appear in the identity store.
const ARRIVAL_TIMEOUT_MS = 60_000;

const realClock: Clock = { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** Entra's own words for a verdict: the documented errorCode/errorMessage when it gives them. */
function entraSays(verdict: OnDemandResult): string {
  const { errorCode, errorMessage } = verdict.details as { errorCode?: string; errorMessage?: string };
  return errorCode || errorMessage ? [errorCode, errorMessage].filter(Boolean).join(': ') : JSON.stringify(verdict.details);
}

/** The user, created by SCIM through one of these tenants, if it is there. */
async function createdThrough(ctx: StepContext, tenantIds: string[], userPrincipalName: string) {
  const user = await findUser(ctx.identityStore, ctx.input.identityStoreId, userPrincipalName);
  return createdByTenants(user, tenantIds) ? user : undefined;
}

async function liveTenantIds(ctx: StepContext): Promise<string[]> {
  return (await ctx.console.listProvisioningTenants(ctx.input.identityStoreId)).map((t) => t.tenantId);
}

/**
 * Success is waited for until AWS shows the user (read the result back: docs/decisions/0008-read-back-and-one-retry-module.md). Skipped and
 * Failure are Entra's final word: reported at once with its reason, never waited out.
 */
async function provision(ctx: StepContext, tenantIds: string[], user: StepContext['input']['scimUsers'][number], jobId: string, clock: Clock): Promise<void> {
  const { input, graph } = ctx;
  const ruleId = await graph.synchronization.outboundUserRuleId(input.servicePrincipalId, jobId);
  const verdict = await graph.synchronization.provisionOnDemand(input.servicePrincipalId, jobId, ruleId, user.objectId);
  if (verdict.result !== 'Success') {
    if (verdict.result === 'Skipped' && (await createdThrough(ctx, tenantIds, user.userPrincipalName))) return;
    throw new Error(`Entra did not provision ${user.userPrincipalName} (${verdict.result}): ${entraSays(verdict)}`);
  }
  try {
    await pollUntil(async () => ((await createdThrough(ctx, tenantIds, user.userPrincipalName)) ? true : undefined), {
      description: `${user.userPrincipalName} appears in identity store ${input.identityStoreId}, created by SCIM`,
      timeoutMs: ARRIVAL_TIMEOUT_MS,
      intervalMs: 500,
      ...clock,
    });
  } catch (error) {
    if (!(error instanceof RetryTimeoutError)) throw error;
    throw new Error(
      `Step provision-on-demand: ${user.userPrincipalName} is not in Identity Center of ${input.instance} (identity store ${input.identityStoreId}) as created by SCIM ${ARRIVAL_TIMEOUT_MS / 1000} s after Entra answered Success; Entra's provisioning logs for the app say why. Run \`npm run federation -- post-apply --instance ${input.instance}\` again once it is fixed.`,
    );
  }
}

/** The step, on a given clock (the unit tests wait on a fake one). */
export function provisionOnDemandOn(clock: Clock): Step {
  return defineStep('provision-on-demand', {
    async apply(ctx) {
      const { job } = await ensureSyncJob(ctx.graph, ctx.input.servicePrincipalId);
      const tenantIds = await liveTenantIds(ctx);
      const provisioned: string[] = [];
      for (const user of ctx.input.scimUsers) {
        if (await createdThrough(ctx, tenantIds, user.userPrincipalName)) continue;
        await provision(ctx, tenantIds, user, job.id, clock);
        provisioned.push(user.userName);
      }
      const names = ctx.input.scimUsers.map((u) => u.userName).join(', ');
      return provisioned.length ? changed(`${provisioned.join(', ')} provisioned`) : already(`${names} already created by SCIM`);
    },

    async check(ctx) {
      const tenantIds = await liveTenantIds(ctx);
      return Promise.all(
        ctx.input.scimUsers.map(async (user) => {
          const found = await findUser(ctx.identityStore, ctx.input.identityStoreId, user.userPrincipalName);
          const what = `${user.userName} created by SCIM`;
          const seen = found ? `ExternalIds ${JSON.stringify(found.ExternalIds ?? [])}` : 'absent';
          return createdByTenants(found, tenantIds) ? holds(what, seen) : fails(what, seen, `${user.userName} is not in Identity Center as a user this deployment's SCIM tenant created: run post-apply`);
        }),
      );
    },
  });
}

/** No undo: what SCIM created goes with this deployment's tenant (the scim-tenant step's undo). */
export const provisionOnDemand = provisionOnDemandOn(realClock);
