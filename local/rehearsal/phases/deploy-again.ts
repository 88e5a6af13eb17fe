import { AWS_STACKS, inChains } from '../context';
import { Phase } from './phase';

export const deployAgain: Phase = {
  title: 'Deploy again: nothing may change',
  async run(ctx, task) {
    const { aws, entra, workspace, accessChains } = ctx;
    const [awsMark, entraMark] = [aws.requests.mark(), entra.requests.mark()];
    const stacks = [...AWS_STACKS, ...ctx.accessStacks];
    // The AWS stacks before the access stacks, and a partition's access stacks one after another, as cdktf
    // orders them: an access stack reads its base stack's state (terraform_remote_state), which must not be
    // read while that stack's apply rewrites it.
    const applied = [
      ...(await Promise.all(AWS_STACKS.map((stack) => workspace.apply(stack)))),
      ...(await inChains(accessChains, (stack) => workspace.apply(stack))),
    ];
    const counts = await ctx.deployer.apply(ctx.provision(task));
    // counts.drift: what the azuread provider would plan after this apply (local/rehearsal/entra-deployer.ts).
    const changed = stacks.filter((_stack, i) => !applied[i].stdout.includes('Resources: 0 added, 0 changed, 0 destroyed.'));
    const unchanged = changed.length === 0 && counts.created === 0 && counts.drift.length === 0;
    const writes = [...aws.requests.writesSince(awsMark), ...entra.requests.writesSince(entraMark)];
    const terraform = changed.length ? `changes in ${changed.join(', ')}` : `0 changes in each of ${stacks.join(', ')}`;
    ctx.report.check('second deploy: 0 changes and 0 write calls', unchanged && writes.length === 0, `${terraform}; ${counts.created} Entra changes; planned Entra drift: ${counts.drift.join(', ') || 'none'}; writes: ${writes.map((w) => `${w.service} ${w.operation}`).join(', ') || 'none'}`);
  },
};
