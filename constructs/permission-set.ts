import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { SsoadminManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-managed-policy-attachment';
import { SsoadminCustomerManagedPolicyAttachment } from '@cdktf/provider-aws/lib/ssoadmin-customer-managed-policy-attachment';
import { SsoadminPermissionsBoundaryAttachment } from '@cdktf/provider-aws/lib/ssoadmin-permissions-boundary-attachment';
import { PermissionSetConfig } from '../app-config/schema';
import { literal } from './literal';

export interface PermissionSetProps {
  readonly instanceArn: string;
  readonly partition: string;
  readonly config: PermissionSetConfig;
}

/** An AWS managed policy's ARN in the stack's partition (never written out: GovCloud is arn:aws-us-gov). */
const awsManagedPolicyArn = (partition: string, name: string) => `arn:${partition}:iam::aws:policy/${name}`;
const literalReference = (reference: { name: string; path: string }) => ({ name: literal(reference.name), path: literal(reference.path) });

/** A permission set with its policies (guide step 2.1 and "Assign access to AWS accounts"). */
export class PermissionSet extends Construct {
  readonly name: string;
  readonly arn: string;
  /** Every policy attachment; account assignments depend on all of them (terraform-provider-aws issue 33337; docs/decisions/0009-assignments-depend-on-policy-attachments.md). */
  readonly policyAttachments: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: PermissionSetProps) {
    super(scope, id);
    const { config, instanceArn, partition } = props;
    const permissionSet = new SsoadminPermissionSet(this, 'permission_set', {
      instanceArn,
      name: literal(config.name),
      description: literal(config.description),
      sessionDuration: config.sessionDuration,
      relayState: config.relayState === undefined ? undefined : literal(config.relayState),
    });
    this.name = config.name;
    this.arn = permissionSet.arn;
    const attachedTo = { instanceArn, permissionSetArn: permissionSet.arn };

    if (config.inlinePolicy) {
      this.policyAttachments.push(new SsoadminPermissionSetInlinePolicy(this, 'inline_policy', { ...attachedTo, inlinePolicy: literal(JSON.stringify(config.inlinePolicy)) }));
    }
    for (const policyName of config.awsManagedPolicies) {
      this.policyAttachments.push(new SsoadminManagedPolicyAttachment(this, `managed_${policyName}`, { ...attachedTo, managedPolicyArn: awsManagedPolicyArn(partition, literal(policyName)) }));
    }
    // The ids name the policy, so adding one never renames (replaces) another.
    for (const reference of config.customerManagedPolicies) {
      this.policyAttachments.push(
        new SsoadminCustomerManagedPolicyAttachment(this, `customer_managed_${reference.path}${reference.name}`, { ...attachedTo, customerManagedPolicyReference: literalReference(reference) }),
      );
    }
    if (config.permissionsBoundary) {
      const boundary = config.permissionsBoundary;
      this.policyAttachments.push(
        new SsoadminPermissionsBoundaryAttachment(this, 'permissions_boundary', {
          ...attachedTo,
          permissionsBoundary:
            'awsManagedPolicy' in boundary
              ? { managedPolicyArn: awsManagedPolicyArn(partition, literal(boundary.awsManagedPolicy)) }
              : { customerManagedPolicyReference: literalReference(boundary.customerManagedPolicy) },
        }),
      );
    }
  }
}
