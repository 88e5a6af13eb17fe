import { AWS_STACKS } from '../context';
import { Phase } from './phase';

export const deployAws: Phase = {
  title: 'Deploy aws-commercial and aws-govcloud (terraform apply, side by side)',
  run: (ctx, task) => ctx.deployStacks(AWS_STACKS.map((stack) => [stack]), task),
};
