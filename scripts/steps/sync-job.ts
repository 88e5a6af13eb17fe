import { GraphApi, SyncJob } from '../clients/graph';

// The AWS IAM Identity Center gallery app's synchronization template (job ids seen as
// aWSSingleSignon.<hash>.<tenant>); confirmed from the template list at run time.
const TEMPLATE_ID = /^aWSSingleSignon/i;

/** The app's provisioning job, created from its template when missing. */
export async function ensureSyncJob(graph: GraphApi, spId: string): Promise<{ job: SyncJob; created: boolean }> {
  const [existing] = await graph.synchronization.listSyncJobs(spId);
  if (existing) return { job: existing, created: false };
  const templates = await graph.synchronization.listSyncTemplates(spId);
  const template = templates.find((t) => TEMPLATE_ID.test(t.id)) ?? (templates.length === 1 ? templates[0] : undefined);
  if (!template) {
    throw new Error(
      `The Entra app (service principal ${spId}) offers no AWS IAM Identity Center provisioning template ` +
        `(templates: ${templates.map((t) => t.id).join(', ') || 'none'}): instantiate the gallery app "AWS IAM Identity Center", then run again.`,
    );
  }
  return { job: await graph.synchronization.createSyncJob(spId, template.id), created: true };
}

export async function findSyncJob(graph: GraphApi, spId: string): Promise<SyncJob | undefined> {
  return (await graph.synchronization.listSyncJobs(spId))[0];
}

/**
 * Whether the job runs on its schedule. Decided on `schedule.state`, as the azuread provider does
 * (internal/services/synchronization/synchronization_job_resource.go: enabled = schedule.state ==
 * Active). The status code cannot tell: a new job is NotConfigured with schedule Disabled, and
 * NotRun means started but no cycle finished yet (Graph synchronizationStatus and
 * synchronizationSchedule resource pages).
 */
export function runsOnSchedule(job: SyncJob): boolean {
  return job.schedule?.state === 'Active';
}

/**
 * Start only a job that does not run (never started, paused) or is in quarantine: Graph's start
 * "clears the quarantine" of a quarantined job and resumes a paused one (synchronizationJob start).
 */
export function needsStart(job: SyncJob): boolean {
  return !runsOnSchedule(job) || job.status.code === 'Quarantine' || Boolean(job.status.quarantine);
}

export const describeJob = (job: SyncJob) => `${job.id}: ${job.status.code}, schedule ${job.schedule?.state ?? 'unknown'}`;
