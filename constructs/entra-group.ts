import { Construct } from 'constructs';
import { Group } from '@cdktf/provider-azuread/lib/group';
import { GroupMember } from '@cdktf/provider-azuread/lib/group-member';
import { GroupConfig } from '../app-config/schema';
import { EntraTestUser } from './entra-test-user';
import { literal } from './literal';

export interface EntraGroupProps {
  readonly group: GroupConfig;
  /** The group's direct members, in the config's order. */
  readonly members: EntraTestUser[];
  /**
   * A role-assignable group (azuread_group `assignable_to_role`, Graph `isAssignableToRole`): only
   * Privileged Role Administrators and the group's owners can manage it. For a group that is not,
   * Groups Administrators, User Administrators and others manage membership outside PIM and override
   * it (Microsoft Entra "What is PIM for Groups?", role-assignable and non-role-assignable groups;
   * "Bring groups into Privileged Identity Management", note). It can be set only when the group is
   * created (Graph group resource, isAssignableToRole: immutable), so the provider replaces the group
   * when it changes (group_resource.go v3.7.0, assignable_to_role: ForceNew), and it needs a security
   * group (CustomizeDiff), which every group here is.
   */
  readonly assignableToRole?: boolean;
}

/**
 * An Entra security group with its direct members (groups are owned by Entra and reach Identity Center
 * only by SCIM: docs/decisions/0004-groups-tied-by-entra-object-id.md). Assigning a group to an app needs a security group; it is not
 * mail-enabled, so no mailbox and no `types` (group_resource.go, CustomizeDiff: mail-enabled
 * groups must be Unified).
 *
 * Each membership is its own azuread_group_member rather than the group's `members` set:
 * - adding a member plans one new object and changes nothing else (no churn);
 * - it is not authoritative: a member Entra adds by other means (PIM for Groups activation,
 *   docs/decisions/0005-just-in-time-admin-with-pim-for-groups.md) is not removed at the next apply, as the group's `members` would do
 *   (group_resource.go, Update: removes every existing member not in the configuration);
 * - the group leaves `members` unset, and since it is Optional + Computed (group_resource.go,
 *   schema) the group's Read of the real members never plans a change.
 * The cost: one member lookup per membership on refresh (group_member_resource.go, Read).
 */
export class EntraGroup extends Construct {
  readonly displayName: string;
  readonly objectId: string;
  readonly members: EntraTestUser[];

  constructor(scope: Construct, id: string, props: EntraGroupProps) {
    super(scope, id);
    const { group: config } = props;
    const group = new Group(this, 'group', {
      displayName: literal(config.displayName),
      description: literal(config.description),
      securityEnabled: true,
      mailEnabled: false,
      ...(props.assignableToRole ? { assignableToRole: true } : {}),
    });
    // Keyed by user name: a new member adds a resource, none is renumbered.
    for (const member of props.members) {
      new GroupMember(this, `member_${member.userName}`, { groupObjectId: group.objectId, memberObjectId: member.objectId });
    }
    this.displayName = config.displayName;
    this.objectId = group.objectId;
    this.members = props.members;
  }
}
