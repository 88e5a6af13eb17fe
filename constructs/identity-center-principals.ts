import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsIdentitystoreGroups } from '@cdktf/provider-aws/lib/data-aws-identitystore-groups';
import { DataAwsIdentitystoreUsers } from '@cdktf/provider-aws/lib/data-aws-identitystore-users';
import { addPostconditions } from './postconditions';
import { hclString, literal } from './literal';

export interface IdentityCenterPrincipalsProps {
  readonly instanceName: string;
  readonly identityStoreId: string;
  /** Display names of the groups the stack assigns. */
  readonly groups: string[];
  /** User names (before @) of the users the stack assigns. */
  readonly users: string[];
  /** The Entra tenant's default domain: a user's identity store UserName is <userName>@<domain>. */
  readonly entraDomain: string;
  /** The stack that holds the assignments and the Entra stack before it, named in the message that says what to run. */
  readonly stackName: string;
  readonly entraStackName: string;
  readonly provider?: AwsProvider;
}

/**
 * The groups and users the access stack assigns, read from the identity store at plan time.
 * Groups exist there only after SCIM has provisioned them from Entra, so they are read from the
 * list of all groups (one ListGroups call per page of 100) with one postcondition per group: a
 * missing group, or one that did not come from SCIM (no ExternalIds), stops the plan with a message
 * that names it and the step to run. The single-group data source cannot do that: it fails on a
 * missing group with the provider's own error before any condition runs. Users likewise, from the
 * list of all users with one postcondition per user: a user arrives by SCIM or is created in the base
 * stack (identityCenter.users), so only her presence is required, not ExternalIds.
 */
export class IdentityCenterPrincipals extends Construct {
  private readonly groups: DataAwsIdentitystoreGroups;
  private readonly users?: DataAwsIdentitystoreUsers;
  private readonly userNames = new Map<string, string>();

  constructor(scope: Construct, id: string, props: IdentityCenterPrincipalsProps) {
    super(scope, id);
    const { instanceName, stackName, entraStackName, provider } = props;
    this.groups = new DataAwsIdentitystoreGroups(this, 'groups', { provider, identityStoreId: props.identityStoreId });
    addPostconditions(
      this.groups,
      props.groups.map((name) => ({
        condition: `\${length([for g in self.groups : g if g.display_name == ${hclString(name)} && length(g.external_ids) > 0]) == 1}`,
        errorMessage: literal(
          `Group ${JSON.stringify(name)} is not in the ${instanceName} identity store as a group provisioned by SCIM (missing, or without ExternalIds). ` +
            `Entra provisions it once ${entraStackName} is deployed: run \`npm run federation -- post-apply --instance ${instanceName}\` (it provisions the assigned groups on demand), then deploy ${stackName} again.`,
        ),
      })),
    );
    if (props.users.length === 0) return;
    this.users = new DataAwsIdentitystoreUsers(this, 'users', { provider, identityStoreId: props.identityStoreId });
    props.users.forEach((userName) => this.userNames.set(userName, `${userName}@${props.entraDomain}`));
    addPostconditions(
      this.users,
      props.users.map((userName) => {
        const name = this.userNames.get(userName)!;
        return {
          condition: `\${length([for u in self.users : u if u.user_name == ${hclString(name)}]) == 1}`,
          errorMessage: literal(
            `User ${JSON.stringify(userName)} (UserName ${name}) is not in the ${instanceName} identity store. ` +
              `A user assigned to the app arrives by SCIM once ${entraStackName} is deployed: run \`npm run federation -- post-apply --instance ${instanceName}\` (it provisions the assigned users on demand), ` +
              `or create her in the base stack (identityCenter.users in config.ts); then deploy ${stackName} again.`,
          ),
        };
      }),
    );
  }

  /** The group's identity store id; its postcondition guarantees exactly one match. */
  groupId(displayName: string): string {
    return `\${one([for g in ${this.groups.fqn}.groups : g.group_id if g.display_name == ${hclString(displayName)}])}`;
  }

  /** The user's identity store id; her postcondition guarantees exactly one match. */
  userId(userName: string): string {
    return `\${one([for u in ${this.users!.fqn}.users : u.user_id if u.user_name == ${hclString(this.userNames.get(userName)!)}])}`;
  }
}
