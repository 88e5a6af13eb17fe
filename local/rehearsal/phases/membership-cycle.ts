import type { FederationInput } from '../../../scripts/federation-input';
import { changeEntraMembership, untilMembers } from '../groups';
import { Phase } from './phase';

export const membershipCycle: Phase = {
  title: "RichRoe leaves a group in Entra and joins it again: each change reaches AWS by the job's cycle",
  only: { scope: 'full' },
  async run(ctx, task) {
    const input = ctx.deployer.linkInputs()[0];
    const aws_ = ctx.awsIn(input.region);
    const group = (input.groups as FederationInput['groups']).find((g) => g.members.some((m) => m.userName === 'RichRoe'))!;
    const richRoe = group.members.find((m) => m.userName === 'RichRoe')!;
    for (const change of ['remove', 'add'] as const) {
      await changeEntraMembership(ctx.entra, group.objectId, richRoe.objectId, change);
      const seconds = await untilMembers(aws_, input.identityStoreId, group.displayName, (members) => members.includes(richRoe.userPrincipalName) === (change === 'add'), 20_000);
      ctx.report.check(`RichRoe ${change === 'add' ? 'added to' : 'removed from'} ${group.displayName} in Entra: the identity store of ${input.instance} follows`, seconds !== undefined, seconds === undefined ? 'not within 20 s' : `${seconds.toFixed(1)} s`);
      task.output = `${change}: ${seconds ?? 'timed out'}`;
    }
  },
};
