import { ListUsersCommand } from '@aws-sdk/client-identitystore';
import { rawConfig } from '../../../config';
import { awsClients } from '../../../scripts/clients/aws';
import { Phase } from './phase';

export const verifyInstances: Phase = {
  title: 'Verify both AWS instances',
  async run(ctx, task) {
    const { report } = ctx;
    for (const input of ctx.deployer.linkInputs()) {
      const clients = awsClients(input as any);
      const { Users } = await clients.identityStore.send(new ListUsersCommand({ IdentityStoreId: input.identityStoreId }));
      const richRoe = Users?.find((u) => u.UserName === input.scimUsers[0].userPrincipalName);
      report.check(`RichRoe created by SCIM in ${input.instance}`, (richRoe?.ExternalIds ?? []).length > 0, richRoe ? `ExternalIds issuer ${richRoe.ExternalIds?.[0]?.Issuer}` : 'absent');
      const idp = await clients.console.getExternalIdp(input.identityStoreId);
      report.check(`identity source of ${input.instance} is the external IdP`, Boolean(idp?.isEnabled), idp?.entityId ?? 'Identity Center directory');
      const signIn = await ctx.samlSignIn(input.applicationClientId, input.samlUsers[0].userPrincipalName);
      const department = rawConfig.users.find((u) => u.userName === input.samlUsers[0].userName)!.department;
      report.check(
        `NikkiWolf signs in to ${input.instance} with Department passed`,
        signIn.status === 200 && signIn.body.sessionTags?.Department === department,
        signIn.status === 200 ? `session tags ${JSON.stringify(signIn.body.sessionTags)}` : String(signIn.body.error),
      );
      task.output = `${input.instance}: checked`;
    }
  },
};
