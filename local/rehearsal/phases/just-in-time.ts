import type { FederationInput } from '../../../scripts/federation-input';
import { credentials, CYCLE_MS, PIM_MINIMUM_ACTIVE_MS } from '../context';
import { pimDemo } from '../pim-demo';
import { Phase } from './phase';

export const justInTime: Phase = {
  title: 'Just-in-time admin (npm run elevate, revoke, expiry): NikkiWolf eligible for AWS-Admins, access in seconds and gone in seconds',
  only: { scope: 'full' },
  run: (ctx, task) =>
    pimDemo(ctx.report, {
      entra: ctx.entra,
      endpoint: ctx.aws.endpoint,
      credentials,
      links: ctx.deployer.linkInputs() as FederationInput[],
      signIn: (link, upn) => ctx.samlSignIn(link.applicationClientId, upn),
      cycleMs: CYCLE_MS,
      minimumActiveMs: PIM_MINIMUM_ACTIVE_MS,
      onLine: (line) => (task.output = line),
    }),
};
