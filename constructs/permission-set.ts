import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { SsoadminManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-managed-policy-attachment';
import { PermissionSetConfig } from '../config-schema';

export interface PermissionSetProps {
  readonly instanceArn: string;
  readonly partition: string;
  readonly config: PermissionSetConfig;
}

/** A permission set with its policies (guide step 2.1 and "Assign access to AWS accounts"). */
export class PermissionSet extends Construct {
  readonly name: string;
  readonly arn: string;
  /** Every policy attachment; account assignments depend on all of them (design.md §3, issue 33337). */
  readonly policyAttachments: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: PermissionSetProps) {
    super(scope, id);
    const { config, instanceArn } = props;
    const permissionSet = new SsoadminPermissionSet(this, 'permission_set', {
      instanceArn,
      name: config.name,
      description: config.description,
      sessionDuration: config.sessionDuration,
    });
    this.name = config.name;
    this.arn = permissionSet.arn;

    if (config.inlinePolicy) {
      this.policyAttachments.push(
        new SsoadminPermissionSetInlinePolicy(this, 'inline_policy', {
          instanceArn,
          permissionSetArn: permissionSet.arn,
          inlinePolicy: JSON.stringify(config.inlinePolicy),
        }),
      );
    }
    for (const policyName of config.awsManagedPolicies) {
      this.policyAttachments.push(
        new SsoadminManagedPolicyAttachment(this, `managed_${policyName}`, {
          instanceArn,
          permissionSetArn: permissionSet.arn,
          managedPolicyArn: `arn:${props.partition}:iam::aws:policy/${policyName}`,
        }),
      );
    }
  }
}
