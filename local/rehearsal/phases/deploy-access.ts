import { Phase } from './phase';

export const deployAccess: Phase = {
  title: 'Deploy every access stack (terraform apply, one after another per partition as cdktf orders them, the partitions side by side): group assignments across the Organization',
  only: { scope: 'full' },
  run: (ctx, task) => ctx.deployStacks(ctx.accessChains, task),
};
