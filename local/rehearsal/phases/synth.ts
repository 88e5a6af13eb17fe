import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawConfig } from '../../../config';
import { defaultCredential } from '../../../scripts/clients/graph';
import { TerraformWorkspace } from '../../harness/terraform-workspace';
import { AWS_STACKS, ENTRA_STACK } from '../context';
import { EntraStackDeployer } from '../entra-deployer';
import { REHEARSAL_SPLIT } from '../groups';
import { Phase } from './phase';

/** Provides the synth: the stacks on disk, and the deployer for azure-id. */
export const synth: Phase = {
  title: (ctx) => `Synthesize the stacks (cdktf synth)${ctx.full ? `, with access on the OUs built above (a rehearsal config; the access of ${REHEARSAL_SPLIT.group} in the access stacks named ${REHEARSAL_SPLIT.stack})` : ''}`,
  async run(ctx, task) {
    const workspace = TerraformWorkspace.create(ctx.aws.endpoint, ctx.full ? ctx.config : rawConfig, ctx.dir);
    const stack = JSON.parse(readFileSync(join(workspace.stackDir(ENTRA_STACK), 'cdk.tf.json'), 'utf8'));
    const deployer = new EntraStackDeployer(stack, ctx.entra.endpoint, defaultCredential(process.env), join(ctx.dir, 'azure-id.state.json'));
    ctx.provide('synth', { workspace, deployer });
    task.output = [...AWS_STACKS, ENTRA_STACK, ...ctx.accessStacks].join(', ');
  },
};
