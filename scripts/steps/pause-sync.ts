import { already, changed, labelled } from './step';
import { findSyncJob } from './sync-job';

export const pauseSync = labelled('pause-sync', async ({ input, graph }) => {
  const job = await findSyncJob(graph, input.servicePrincipalId);
  if (!job) return already('no provisioning job');
  if (job.status.code !== 'Active' && job.status.code !== 'Quarantine') return already(`job ${job.id} is ${job.status.code}`);
  await graph.pauseJob(input.servicePrincipalId, job.id);
  return changed(`job ${job.id} paused`);
});
