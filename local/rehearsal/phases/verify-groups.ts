import { InstanceName } from '../../../app-config/schema';
import type { FederationInput } from '../../../scripts/federation-input';
import { expectedGroupAssignments, groupAssignmentsInAws, groupInAws } from '../groups';
import { Phase } from './phase';

export const verifyGroups: Phase = {
  title: 'Verify groups across accounts: SCIM groups and members, assignments, NikkiWolf through her group',
  only: { scope: 'full' },
  async run(ctx, task) {
    const { config, report } = ctx;
    for (const input of ctx.deployer.linkInputs()) {
      const aws_ = ctx.awsIn(input.region);
      const organization = ctx.organizations.get(input.instance as InstanceName)!;
      for (const group of input.groups as FederationInput['groups']) {
        const inAws = await groupInAws(aws_, input.identityStoreId, group.displayName);
        const wanted = group.members.map((m) => m.userPrincipalName).sort();
        const tied = (inAws?.externalIds ?? []).some((e) => e.Id === group.objectId && /provisioningtenant/.test(e.Issuer ?? ''));
        report.check(`${group.displayName} in ${input.instance}: created by SCIM with its Entra object id, members as in Entra`, tied && JSON.stringify(inAws?.members) === JSON.stringify(wanted), inAws ? `ExternalIds ${inAws.externalIds.map((e) => e.Id).join(', ')}; members ${inAws.members.join(', ') || 'none'}` : 'absent');
      }
      const expected = expectedGroupAssignments(config, input.instance as InstanceName, organization);
      const found = await groupAssignmentsInAws(aws_, organization);
      const missing = [...expected].filter((a) => !found.has(a));
      const extra = [...found].filter((a) => !expected.has(a));
      report.check(`group assignments in ${input.instance}: exactly those of the config on the ACTIVE accounts of the OUs (the SUSPENDED account has none)`, expected.size > 0 && missing.length + extra.length === 0, `${found.size} of ${expected.size} expected; missing ${missing.join(', ') || 'none'}; unexpected ${extra.join(', ') || 'none'}`);
      const nikki = input.samlUsers[0];
      const hers = new Set(config.groups.filter((g) => g.members.includes(nikki.userName)).map((g) => g.displayName));
      const throughGroups = new Set([...expected].filter((a) => hers.has(a.split('|')[0])).map((a) => a.split('|').slice(1).join('|')));
      const signIn = await ctx.samlSignIn(input.applicationClientId, nikki.userPrincipalName);
      const portal = new Set(((signIn.body.access ?? []) as { accountId: string; permissionSet: string; via: string }[]).filter((a) => a.via !== 'user').map((a) => `${a.permissionSet}|${a.accountId}`));
      const members = organization.accounts.filter((a) => a.active).map((a) => a.id);
      const same = portal.size === throughGroups.size && [...throughGroups].every((a) => portal.has(a));
      report.check(`NikkiWolf signs in to ${input.instance} and may use member accounts through her groups`, signIn.status === 200 && same && [...portal].some((a) => members.includes(a.split('|')[1])), `${portal.size} account/permission set pairs through groups, ${throughGroups.size} expected`);
      task.output = `${input.instance}: checked`;
    }
  },
};
