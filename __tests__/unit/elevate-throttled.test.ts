import { GraphApi } from '../../scripts/clients/graph';
import { elevate, JitError, JitTarget } from '../../scripts/jit/elevate';
import { RetryTimeoutError } from '../../scripts/retry';

/** Graph as the client leaves it when provisionOnDemand answered 429 for its whole retry budget (scripts/retry.ts). */
const throttledGraph = {
  directory: { me: async () => ({ id: 'user-1', userPrincipalName: 'NikkiWolf@contoso.onmicrosoft.com' }) },
  pim: { selfActivateMembership: async () => ({ status: 'Provisioned' }) },
  synchronization: {
    listSyncJobs: async () => [{ id: 'job-1', status: {} }],
    outboundGroupRuleId: async () => 'rule-1',
    provisionGroupOnDemand: async () => {
      throw new RetryTimeoutError('Microsoft Graph answers POST /servicePrincipals/sp-1/synchronization/jobs/job-1/provisionOnDemand', 120_000, new Error('TooManyRequests: throttled'));
    },
  },
} as unknown as GraphApi;

const target = (instance: string): JitTarget => ({
  instance,
  servicePrincipalId: `sp-${instance}`,
  group: { displayName: 'AWS-Admins', objectId: 'group-1' },
  portalUrl: 'https://d-1234567890.awsapps.com/start',
  isMember: async () => false,
  addMember: async () => 'added',
  removeMember: async () => 'absent',
  userId: async () => undefined,
  lock: async () => async () => undefined,
});

describe('elevate when on-demand provisioning answers 429 for as long as the client retries', () => {
  it('names the instance, says the PIM activation stays active, and how to finish', async () => {
    const run = elevate({ duration: 'PT1H', justification: 'INC-1' }, { graph: throttledGraph, targets: [target('aws-govcloud')], print: () => undefined, clock: { now: () => 0, sleep: async () => undefined } });
    await expect(run).rejects.toBeInstanceOf(JitError);
    await expect(
      elevate({ duration: 'PT1H', justification: 'INC-1' }, { graph: throttledGraph, targets: [target('aws-govcloud')], print: () => undefined, clock: { now: () => 0, sleep: async () => undefined } }),
    ).rejects.toThrow(
      /^\[aws-govcloud\] on-demand provisioning of AWS-Admins did not go through: Gave up after 120 s .*TooManyRequests.*Your PIM activation of AWS-Admins stays active.*run `npm run elevate -- --instance aws-govcloud` again .*or wait for Entra's next provisioning cycle/,
    );
  });
});
