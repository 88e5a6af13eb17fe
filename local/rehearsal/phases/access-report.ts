import { InstanceName } from '../../../app-config/schema';
import type { FederationInput } from '../../../scripts/federation-input';
import { accessDemo } from '../access-demo';
import { credentials, CYCLE_MS } from '../context';
import { Phase } from './phase';

export const accessReport: Phase = {
  title: 'Who has access (npm run access), Organizations without Status: nothing found after deploy; an orphan, an unmanaged assignment and a membership drift made by hand, each found, then undone',
  only: { scope: 'full' },
  async run(ctx, task) {
    const { aws } = ctx;
    // The report reads State (scripts/access/collect.ts), which AWS still returns.
    aws.answerAccountStatus('retired');
    try {
      const link = ctx.deployer.linkInputs()[0];
      await accessDemo(ctx.report, { endpoint: aws.endpoint, credentials, config: ctx.config, link: link as FederationInput, organization: ctx.organizations.get(link.instance as InstanceName)!, cycleMs: CYCLE_MS, onLine: (line) => (task.output = line) });
    } finally {
      aws.answerAccountStatus('both');
    }
  },
};
