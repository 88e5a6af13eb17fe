import { SyncJob } from '../clients/graph';
import { already, changed, defineStep, fails, Finding, holds } from './step';
import { describeJob, ensureSyncJob, findSyncJob, needsStart, runsOnSchedule } from './sync-job';

function jobFindings(job: SyncJob | undefined): Finding[] {
  if (!job) return [fails('provisioning job', 'none', 'the Entra app has no provisioning job: run post-apply')];
  const { lastExecution, quarantine } = job.status;
  const last = lastExecution?.timeEnded ? `${lastExecution.state ?? '?'} at ${lastExecution.timeEnded}` : 'not run yet';
  return [
    runsOnSchedule(job) ? holds('provisioning job', describeJob(job)) : fails('provisioning job', describeJob(job), `the provisioning job does not run (schedule ${job.schedule?.state ?? 'unknown'}): run post-apply`),
    lastExecution?.state === 'Failed'
      ? fails('last provisioning run', last, `the last provisioning run failed: ${lastExecution.error?.message ?? 'see the provisioning logs in Entra'}`)
      : holds('last provisioning run', last),
    quarantine
      ? fails('quarantine', `${quarantine.reason ?? 'quarantined'} since ${quarantine.currentBegan ?? '?'}`, `the provisioning job is in quarantine (${quarantine.reason ?? '?'}): fix the cause, then run post-apply, which restarts it`)
      : holds('quarantine', 'none'),
  ];
}

export const startSync = defineStep('sync-job', {
  async apply({ input, graph }) {
    const { job } = await ensureSyncJob(graph, input.servicePrincipalId);
    if (!(await graph.synchronization.savedCredentialsWork(input.servicePrincipalId, job.id))) {
      throw new Error("Entra's connection test fails with the saved SCIM credentials: run the post-apply step again to issue a new token");
    }
    const current = await graph.synchronization.getSyncJob(input.servicePrincipalId, job.id);
    if (!needsStart(current)) return already(`job ${describeJob(current)}`);
    await graph.synchronization.startJob(input.servicePrincipalId, job.id);
    return changed(`job ${job.id} started (was ${current.status.code}, schedule ${current.schedule?.state ?? 'unknown'})`);
  },

  /** Pause an active job; one that does not run is left as it is. */
  async undo({ input, graph }) {
    const job = await findSyncJob(graph, input.servicePrincipalId);
    if (!job) return already('no provisioning job');
    if (!runsOnSchedule(job)) return already(`job ${describeJob(job)}`);
    await graph.synchronization.pauseJob(input.servicePrincipalId, job.id);
    return changed(`job ${job.id} paused`);
  },

  async check({ input, graph }) {
    return jobFindings(await findSyncJob(graph, input.servicePrincipalId));
  },
});
