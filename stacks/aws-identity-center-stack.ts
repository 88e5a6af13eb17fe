import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsInstanceConfig, IdentityCenterConfig, InstanceName, UserConfig } from '../app-config/schema';
import { AwsPartitionProvider } from '../constructs/aws-partition-provider';
import { IdentityCenterInstance } from '../constructs/identity-center-instance';
import { PermissionSet } from '../constructs/permission-set';
import { IdentityCenterUser } from '../constructs/identity-center-user';
import { AccountAssignment } from '../constructs/account-assignment';
import { AccessControlAttributes } from '../constructs/access-control-attributes';
import { warnOfQuotas } from '../constructs/quota-warnings';

export interface AwsIdentityCenterStackProps {
  readonly instance: AwsInstanceConfig;
  readonly identityCenter: IdentityCenterConfig;
  /** The people of the config; the stack creates those identityCenter.users names. */
  readonly users: UserConfig[];
  /** The Entra tenant's default domain (from the federation context file). */
  readonly entraDomain: string;
}

/** Output of the permission sets' ARNs by name, which the access stacks read from this stack's state. */
export const PERMISSION_SET_ARNS_OUTPUT = 'permission_set_arns';

/** One Identity Center instance: used twice, for aws-commercial and aws-govcloud. */
export class AwsIdentityCenterStack extends TerraformStack {
  constructor(scope: Construct, name: string, props: AwsIdentityCenterStackProps) {
    super(scope, name);
    const { identityCenter } = props;
    new AwsPartitionProvider(this, 'provider', { instance: props.instance });
    const instance = new IdentityCenterInstance(this, 'instance', { instanceName: name });

    const permissionSets = new Map(
      identityCenter.permissionSets.map((config) => [
        config.name,
        new PermissionSet(this, config.name, { instanceArn: instance.instanceArn, partition: instance.partition, config }),
      ]),
    );
    const users = new Map(
      props.users
        .filter((user) => identityCenter.users.includes(user.userName))
        .map((user) => [
          user.userName,
          new IdentityCenterUser(this, user.userName, { identityStoreId: instance.identityStoreId, user, domain: props.entraDomain }),
        ]),
    );
    for (const { user, permissionSet } of identityCenter.assignments) {
      // The id names the pair, so adding users or permission sets never renames (replaces) it.
      new AccountAssignment(this, `${user}_${permissionSet}`, {
        instanceArn: instance.instanceArn,
        permissionSet: permissionSets.get(permissionSet)!,
        userId: users.get(user)!.userId,
        accountId: instance.accountId,
      });
    }
    new AccessControlAttributes(this, 'abac', { instanceArn: instance.instanceArn, attributes: identityCenter.accessControlAttributes });
    // This stack is the one instance's, and its name is the instance's (main.ts).
    warnOfQuotas(this, name as InstanceName, identityCenter, permissionSets);

    const outputs = {
      instance_arn: instance.instanceArn,
      identity_store_id: instance.identityStoreId,
      region: instance.region,
      partition: instance.partition,
      account_id: instance.accountId,
      // Read by this partition's access stacks (terraform_remote_state), so they need no lookup by name.
      [PERMISSION_SET_ARNS_OUTPUT]: Object.fromEntries([...permissionSets].map(([name, permissionSet]) => [name, permissionSet.arn])),
    };
    for (const [id, value] of Object.entries(outputs)) new TerraformOutput(this, id, { value });
  }
}
