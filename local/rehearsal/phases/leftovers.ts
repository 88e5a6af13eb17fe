import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, ListPermissionSetsCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { rawConfig } from '../../../config';
import { main as federation } from '../../../scripts/federation';
import { AWS_STACKS, credentials } from '../context';
import { groupObjects } from '../groups';
import { Phase } from './phase';

export const leftovers: Phase = {
  title: 'Check that nothing is left in either emulator',
  async run(ctx, task) {
    const { aws, entra, report } = ctx;
    const leftovers = aws.leftovers();
    const inAws = await Promise.all(AWS_STACKS.map((stack) => awsObjects(aws.endpoint, rawConfig.aws[stack].region)));
    const total = Object.values(leftovers).reduce((a, b) => a + b, 0) + inAws.reduce((a, b) => a + b, 0);
    report.check('after destroy: 0 objects left in the AWS emulator', total === 0, `${JSON.stringify(leftovers)}; permission sets + users + groups and memberships: ${inAws.join(' + ')}`);
    report.check('after destroy: 0 objects left in the Entra emulator', entra.leftovers() === 0, `${entra.leftovers()} objects`);
    const records = readdirSync(join(ctx.dir, 'records'));
    report.check('after destroy: no deploy record left', records.length === 0, records.join(', ') || 'none');
    // The product's own check, as an operator runs it after a real destroy: both instances and Entra, by the real APIs.
    const lines: string[] = [];
    const code = await federation(['leftovers'], process.env, { print: (line) => lines.push(line) });
    report.check('npm run federation -- leftovers after destroy: nothing left in either instance or in Entra', code === 0, code === 0 ? lines.filter((l) => l.startsWith('leftovers')).join('; ') : lines.join(' | '));
    task.output = 'nothing left';
  },
};

/** Permission sets, users, groups and memberships in an instance of the AWS emulator, read by the public APIs. */
async function awsObjects(endpoint: string, region: string): Promise<number> {
  const config = { region, credentials, endpoint };
  const [instance] = (await new SSOAdminClient(config).send(new ListInstancesCommand({}))).Instances!;
  const permissionSets = (await new SSOAdminClient(config).send(new ListPermissionSetsCommand({ InstanceArn: instance.InstanceArn }))).PermissionSets ?? [];
  const users = (await new IdentitystoreClient(config).send(new ListUsersCommand({ IdentityStoreId: instance.IdentityStoreId }))).Users ?? [];
  return permissionSets.length + users.length + (await groupObjects(config, instance.IdentityStoreId!));
}
