import { GraphApi, SyncJob } from '../clients/graph';

// The AWS IAM Identity Center gallery app's synchronization template (reference/entra-graph.md:
// job ids seen as aWSSingleSignon.<hash>.<tenant>); confirmed from the template list at run time.
const TEMPLATE_ID = /^aWSSingleSignon/i;

/** The app's provisioning job, created from its template when missing. */
export async function ensureSyncJob(graph: GraphApi, spId: string): Promise<{ job: SyncJob; created: boolean }> {
  const [existing] = await graph.listSyncJobs(spId);
  if (existing) return { job: existing, created: false };
  const templates = await graph.listSyncTemplates(spId);
  const template = templates.find((t) => TEMPLATE_ID.test(t.id)) ?? (templates.length === 1 ? templates[0] : undefined);
  if (!template) {
    throw new Error(
      `The Entra app (service principal ${spId}) offers no AWS IAM Identity Center provisioning template ` +
        `(templates: ${templates.map((t) => t.id).join(', ') || 'none'}): instantiate the gallery app "AWS IAM Identity Center", then run again.`,
    );
  }
  return { job: await graph.createSyncJob(spId, template.id), created: true };
}

export async function findSyncJob(graph: GraphApi, spId: string): Promise<SyncJob | undefined> {
  return (await graph.listSyncJobs(spId))[0];
}
