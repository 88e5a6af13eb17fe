import { AWS_STACKS, ENTRA_STACK, inChains } from '../context';
import { Phase } from './phase';

export const destroy: Phase = {
  title: 'Destroy: pre-destroy steps, then every stack',
  async run(ctx, task) {
    const { report, workspace, accessChains, accessStacks } = ctx;
    // In reverse of deploy, as cdktf destroy '*' orders the chained access stacks.
    const destroyedAccess = await inChains(accessChains, (stack) => workspace.destroy(stack), true);
    // += : the removal phase destroyed the split stacks' assignments before.
    accessStacks.forEach((stack, i) => (report.resources[stack].destroyed += Number(/(\d+) destroyed/.exec(destroyedAccess[i].stdout)?.[1] ?? 0)));
    const counts = await ctx.deployer.destroy(ctx.provision(task));
    report.resources[ENTRA_STACK].destroyed = counts.destroyed;
    const destroyed = await Promise.all(AWS_STACKS.map((stack) => workspace.destroy(stack)));
    AWS_STACKS.forEach((stack, i) => (report.resources[stack].destroyed = Number(/(\d+) destroyed/.exec(destroyed[i].stdout)?.[1] ?? 0)));
    const uneven = Object.entries(report.resources).filter(([, r]) => r.created === 0 || r.destroyed !== r.created);
    report.check('every resource created is destroyed, stack by stack', uneven.length === 0, Object.entries(report.resources).map(([stack, r]) => `${stack} ${r.created}/${r.destroyed}`).join(', '));
  },
};
