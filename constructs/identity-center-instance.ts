import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsSsoadminInstances } from '@cdktf/provider-aws/lib/data-aws-ssoadmin-instances';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { addPostconditions } from './postconditions';

export interface IdentityCenterInstanceProps {
  /** The stack's label for the instance, used in error messages ("aws-govcloud"). */
  readonly instanceName: string;
  readonly provider?: AwsProvider;
}

/**
 * The existing Identity Center instance and where it lives, all read, never written down:
 * only the console can create an Organization instance (sso-admin API reference, CreateInstance: it creates
 * account instances only), so it is a precondition.
 */
export class IdentityCenterInstance extends Construct {
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;

  constructor(scope: Construct, id: string, props: IdentityCenterInstanceProps) {
    super(scope, id);
    const provider = props.provider;
    const instances = new DataAwsSsoadminInstances(this, 'instances', { provider });
    // Stops the plan with the fix when the account has no instance (in the HCL output too: addPostconditions).
    addPostconditions(instances, [
      {
        condition: '${length(self.arns) > 0}',
        errorMessage:
          `Identity Center in ${props.instanceName} has no Organization instance: enable it in the console ` +
          '(IAM Identity Center → Enable, in the management account and the configured region), then run again.',
      },
    ]);
    const partition = new DataAwsPartition(this, 'partition', { provider });
    const caller = new DataAwsCallerIdentity(this, 'caller', { provider });
    const region = new DataAwsRegion(this, 'region', { provider });
    this.instanceArn = Fn.element(instances.arns, 0);
    this.identityStoreId = Fn.element(instances.identityStoreIds, 0);
    this.partition = partition.partition;
    this.accountId = caller.accountId;
    this.region = region.name;
  }

}
