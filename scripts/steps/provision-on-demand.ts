import { pollUntil } from '../retry';
import { createdByScim, findUser } from './identity-store-users';
import { already, changed, labelled } from './step';
import { ensureSyncJob } from './sync-job';

// How long a provisioned user may take to appear in the identity store (seconds in practice).
const ARRIVAL_TIMEOUT_MS = 60_000;

export const provisionOnDemand = labelled('provision-on-demand', async ({ input, identityStore, graph }) => {
  const { job } = await ensureSyncJob(graph, input.servicePrincipalId);
  const provisioned: string[] = [];
  for (const user of input.scimUsers) {
    if (createdByScim(await findUser(identityStore, input.identityStoreId, user.userPrincipalName))) continue;
    const ruleId = await graph.outboundUserRuleId(input.servicePrincipalId, job.id);
    const verdict = await graph.provisionOnDemand(input.servicePrincipalId, job.id, ruleId, user.objectId);
    if (verdict.result !== 'Success' && verdict.result !== 'Skipped') {
      throw new Error(`Entra could not provision ${user.userPrincipalName} (${verdict.result}): ${JSON.stringify(verdict.details)}`);
    }
    // Success only once AWS shows the user, created by SCIM (style.md: read the result back).
    await pollUntil(async () => (createdByScim(await findUser(identityStore, input.identityStoreId, user.userPrincipalName)) ? true : undefined), {
      description: `${user.userPrincipalName} appears in identity store ${input.identityStoreId}, created by SCIM`,
      timeoutMs: ARRIVAL_TIMEOUT_MS,
      intervalMs: 500,
    });
    provisioned.push(user.userName);
  }
  const names = input.scimUsers.map((u) => u.userName).join(', ');
  return provisioned.length ? changed(`${provisioned.join(', ')} provisioned`) : already(`${names} already created by SCIM`);
});
