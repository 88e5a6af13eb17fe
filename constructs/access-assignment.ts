import { Construct } from 'constructs';
import { ITerraformDependable, TerraformIterator } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { ASSIGNMENT_RESOURCE_ID } from '../app-model/stacks';

export interface AccessAssignmentProps {
  readonly instanceArn: string;
  readonly permissionSetArn: string;
  readonly principalType: 'GROUP' | 'USER';
  readonly principalId: string;
  /** Account ids known at plan time (constructs/account-targets.ts); duplicates collapse into one key. */
  readonly accountIds: string[];
  /** What must hold before any assignment is planned (the base stack's state check, stacks/aws-access-stack.ts). */
  readonly dependsOn?: ITerraformDependable[];
  readonly provider?: AwsProvider;
}

/**
 * One principal's access through one permission set to a set of accounts: one assignment per
 * account, keyed by account id. Every argument of an assignment forces replacement, so the key
 * names what it is (the construct id names principal and permission set, the key the account): a
 * new account adds a key and nothing is replaced (the churn reported against aws-ia #33 and
 * cloudposse #29 came from list positions). The permission set and its policy attachments live in
 * the base stack, which is deployed before and destroyed after this one (terraform-provider-aws
 * issue 33337).
 */
export class AccessAssignment extends Construct {
  constructor(scope: Construct, id: string, props: AccessAssignmentProps) {
    super(scope, id);
    const accounts = TerraformIterator.fromList(props.accountIds);
    // Its id is part of the resource's name in state, which the retired-stacks check computes (app-model/stacks.ts).
    new SsoadminAccountAssignment(this, ASSIGNMENT_RESOURCE_ID, {
      provider: props.provider,
      dependsOn: props.dependsOn,
      forEach: accounts,
      instanceArn: props.instanceArn,
      permissionSetArn: props.permissionSetArn,
      principalType: props.principalType,
      principalId: props.principalId,
      targetType: 'AWS_ACCOUNT',
      targetId: accounts.value,
    });
  }
}
