import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsClients } from '../../../scripts/clients/aws';
import { ENTRA_STACK, waitFor } from '../context';
import { runProvisioner } from '../provisioner';
import { Phase } from './phase';

export const tokenRevoked: Phase = {
  title: 'Revoke the SCIM token mid-run, see quarantine, recover with post-apply',
  only: { fault: 'token-revoked' },
  async run(ctx, task) {
    const { entra, report } = ctx;
    const input = ctx.deployer.linkInputs()[0];
    const console = awsClients(input as any).console;
    const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
    for (const token of await console.listBearerTokens(input.identityStoreId, tenant.tenantId)) await console.deleteBearerToken(input.identityStoreId, tenant.tenantId, token.tokenId);
    const quarantined = await waitFor(() => entra.jobs.find((j) => j.id.includes(entra.tenantId) && j.status.code === 'Quarantine'), 10_000);
    report.check('a revoked token puts the provisioning job in quarantine', Boolean(quarantined), quarantined?.status.quarantine?.error.code ?? 'still active');
    const stackDir = ctx.workspace.stackDir(ENTRA_STACK);
    const link = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')).resource.terraform_data;
    // The instance's create-time provisioner: post-apply (the other terraform_data holds pre-destroy).
    const provisioner = Object.entries(link)
      .filter(([address]) => address.startsWith(input.instance))
      .flatMap(([, resource]) => (resource as any).provisioner.map((p: any) => p['local-exec']))
      .find((p: any) => p.when !== 'destroy');
    await runProvisioner(stackDir, provisioner, input, { onLine: (line) => (task.output = line), transcript: ctx.transcript });
    // Recovered only when a cycle that began after post-apply has succeeded with the new token.
    const recoveredAt = new Date().toISOString();
    const job = await waitFor(() => entra.jobs.find((j) => j.id === quarantined?.id && j.status.lastExecution?.state === 'Succeeded' && j.status.lastExecution.timeBegan >= recoveredAt), 10_000);
    report.check('post-apply again issues a new token and the job leaves quarantine', Boolean(job) && job!.status.code === 'Active', job ? `a cycle succeeded at ${job.status.lastExecution!.timeEnded}` : 'no successful cycle after post-apply');
  },
};
