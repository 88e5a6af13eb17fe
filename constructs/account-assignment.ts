import { Construct } from 'constructs';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { PermissionSet } from './permission-set';

export interface AccountAssignmentProps {
  readonly instanceArn: string;
  readonly permissionSet: PermissionSet;
  readonly userId: string;
  readonly accountId: string;
}

/**
 * A user's access to an account through a permission set (guide step 2.3). It depends on every
 * policy attachment of its permission set so that it is created last and destroyed first
 * (terraform-provider-aws issue 33337: otherwise the account is provisioned without the policies).
 */
export class AccountAssignment extends Construct {
  readonly assignment: SsoadminAccountAssignment;

  constructor(scope: Construct, id: string, props: AccountAssignmentProps) {
    super(scope, id);
    this.assignment = new SsoadminAccountAssignment(this, 'assignment', {
      instanceArn: props.instanceArn,
      permissionSetArn: props.permissionSet.arn,
      principalType: 'USER',
      principalId: props.userId,
      targetType: 'AWS_ACCOUNT',
      targetId: props.accountId,
      dependsOn: props.permissionSet.policyAttachments,
    });
  }
}
