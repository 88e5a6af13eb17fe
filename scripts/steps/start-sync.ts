import { already, changed, labelled } from './step';
import { ensureSyncJob } from './sync-job';

export const startSync = labelled('sync-job', async ({ input, graph }) => {
  const { job } = await ensureSyncJob(graph, input.servicePrincipalId);
  if (!(await graph.savedCredentialsWork(input.servicePrincipalId, job.id))) {
    throw new Error('Entra\'s connection test fails with the saved SCIM credentials: run the post-apply step again to issue a new token');
  }
  const current = await graph.getSyncJob(input.servicePrincipalId, job.id);
  if (current.status.code === 'Active') return already(`job ${job.id} is active`);
  await graph.startJob(input.servicePrincipalId, job.id);
  return changed(`job ${job.id} started (was ${current.status.code})`);
});
