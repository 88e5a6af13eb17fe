import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AccessEntry, AwsInstanceConfig, InstanceName } from '../app-config/schema';
import { byPrincipalAndPermissionSet } from '../app-model/stacks';
import { AwsPartitionProvider } from '../constructs/aws-partition-provider';
import { IdentityCenterInstance } from '../constructs/identity-center-instance';
import { AccountTargets } from '../constructs/account-targets';
import { IdentityCenterPrincipals } from '../constructs/identity-center-principals';
import { AccessAssignment } from '../constructs/access-assignment';
import { readStateOf, StateBackendProps, stateExists } from '../constructs/state-backend';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { addPostconditions } from '../constructs/postconditions';
import { hclString, literal } from '../constructs/literal';
import { PERMISSION_SET_ARNS_OUTPUT } from './aws-identity-center-stack';

// Throttling is the most reported failure of large assignment runs (terraform-provider-aws issues
// 24858, 25552, 35646): adaptive mode adds client-side rate limiting to the retries; 25 is the
// provider's default number of retries, written down so it is visible.
const RETRIES = { mode: 'adaptive', maxRetries: 25 } as const;

export interface AwsAccessStackProps {
  readonly instanceName: InstanceName;
  readonly instance: AwsInstanceConfig;
  readonly access: AccessEntry[];
  /** The Entra tenant's default domain (from the federation context file). */
  readonly entraDomain: string;
  readonly entraStackName: string;
  /** The partition's base stack (stacks/aws-identity-center-stack.ts), whose state holds the permission sets' ARNs. */
  readonly baseStack: TerraformStack;
  /**
   * Where states are kept: the base stack's state is read only once it exists (constructs/state-backend.ts, stateExists),
   * so that a plan before the base stack was ever applied stops with the product's message, not Terraform's.
   */
  readonly state: StateBackendProps;
  /** The base stack's user assignments on the current account (identityCenter.assignments), which no entry here may repeat. */
  readonly baseAssignments: readonly { readonly user: string; readonly permissionSet: string }[];
}

/**
 * Who gets which permission set on which accounts, for one partition (docs/decisions/0003-group-assignments-in-later-stack.md).
 * A stack of its own, deployed after azure-id: groups exist in Identity Center only after azure-id's
 * federation link has provisioned them by SCIM, and cdktf plans each stack just before applying it,
 * so plain data-source lookups here find them in the same deploy. No depends_on defers a lookup, so
 * nothing is planned as "known after apply" and replaced (cloudposse/terraform-aws-sso PR #77: a
 * module-level depends_on "caused cascading destroy/recreate").
 *
 * The permission sets' ARNs come from the base stack's state (its `permission_set_arns` output, read with
 * terraform_remote_state through the base stack's own backend), not from `data "aws_ssoadmin_permission_set"`
 * by name: the aws provider's data source lists every permission set of the instance and describes each
 * one to find a name, so P lookups cost P × P DescribePermissionSet calls, and sso-admin's 20 calls a
 * second are shared with the ListAccountAssignments that refresh the assignments (at 10 permission sets,
 * 138 DescribePermissionSet in one plan; docs/decisions/0007-permission-set-arns-from-base-stack-state.md). The ARN is the same value, so an existing
 * deployment plans no change; the base stack is deployed first (a stack dependency), and a plan before
 * it has been stops with a message naming it.
 */
export class AwsAccessStack extends TerraformStack {
  constructor(scope: Construct, name: string, props: AwsAccessStackProps) {
    super(scope, name);
    const { instanceName, access } = props;
    new AwsPartitionProvider(this, 'provider', { instance: props.instance, retries: RETRIES });
    const instance = new IdentityCenterInstance(this, 'instance', { instanceName });
    const targets = new AccountTargets(this, 'targets', { currentAccountId: instance.accountId });
    const principals = new IdentityCenterPrincipals(this, 'principals', {
      instanceName,
      identityStoreId: instance.identityStoreId,
      groups: unique(access.flatMap((e) => (e.group ? [e.group] : []))),
      users: unique(access.flatMap((e) => (e.user ? [e.user] : []))),
      entraDomain: props.entraDomain,
      stackName: name,
      entraStackName: props.entraStackName,
    });
    for (const entry of access) {
      const ids = entry.accounts?.filter((a) => a !== 'current') ?? [];
      if (!ids.length || !props.baseAssignments.some((a) => a.user === entry.user && a.permissionSet === entry.permissionSet)) continue;
      targets.refuseCurrentAccount(
        ids,
        `config.ts gives user "${entry.user}" permission set "${entry.permissionSet}" on the current account twice: in identityCenter.assignments (stack ${props.baseStack.node.id}) ` +
          `and, by its account id, in identityCenter.access['${instanceName}'] (stack ${name}); two states would manage one assignment, and destroying either removes the other's: keep one of them.`,
      );
    }
    const permissionSetArns = this.permissionSetArns(props, unique(access.map((e) => e.permissionSet)));
    for (const [key, entries] of byPrincipalAndPermissionSet(access)) {
      const { group, user, permissionSet } = entries[0];
      new AccessAssignment(this, key, {
        instanceArn: instance.instanceArn,
        permissionSetArn: permissionSetArns.arns.get(permissionSet)!,
        principalType: group ? 'GROUP' : 'USER',
        principalId: group ? principals.groupId(group) : principals.userId(user!),
        accountIds: targets.accountIds(entries),
        dependsOn: permissionSetArns.check ? [permissionSetArns.check] : [],
      });
    }
  }

  /** The names its account assignment resources have in its state (app-model/retired-access-stacks.ts compares them across stacks). */
  assignmentNames(): string[] {
    return this.node.findAll().filter((c): c is SsoadminAccountAssignment => c instanceof SsoadminAccountAssignment).map((r) => this.getLogicalId(r));
  }

  /**
   * Each permission set's ARN from the base stack's state, by name, and the check every assignment waits for: the
   * state must hold each name (else the plan stops with a message naming the deploy to run). The state is read only
   * once it exists (stateExists: the local file, or the S3 key); a missing state reads as no ARN, so the same message stops
   * the plan rather than Terraform's "Unable to find remote state". The check sits on a caller-identity read, which
   * always evaluates, and every assignment depends on it, so a failed check plans no assignment.
   */
  private permissionSetArns(props: AwsAccessStackProps, names: string[]): { arns: Map<string, string>; check?: DataAwsCallerIdentity } {
    const { baseStack } = props;
    this.addDependency(baseStack);
    if (names.length === 0) return { arns: new Map() };
    const base = readStateOf(this, 'base_state', baseStack);
    const address = `data.terraform_remote_state.${this.getLogicalId(base)}`;
    base.addOverride('count', `\${${stateExists(this, baseStack, props.state)} ? 1 : 0}`);
    const arns = `try(${address}[0].outputs.${PERMISSION_SET_ARNS_OUTPUT}, {})`;
    const wanted = `[${names.map(hclString).join(', ')}]`;
    const check = new DataAwsCallerIdentity(this, 'base_state_check');
    addPostconditions(check, [
      {
        condition: `\${alltrue([for name in ${wanted} : contains(keys(${arns}), name)])}`,
        errorMessage: literal(
          `The state of ${baseStack.node.id} has no ARN for one of the permission sets ${names.join(', ')} (output ${PERMISSION_SET_ARNS_OUTPUT}): ` +
            `deploy ${baseStack.node.id} first (npm run deploy deploys it before the access stacks), then plan ${this.node.id} again.`,
        ),
      },
    ]);
    return { arns: new Map(names.map((name) => [name, `\${${arns}[${hclString(name)}]}`])), check };
  }
}

const unique = (values: string[]) => [...new Set(values)];
