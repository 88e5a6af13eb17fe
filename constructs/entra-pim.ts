import { Construct } from 'constructs';
import { GroupRoleManagementPolicy } from '@cdktf/provider-azuread/lib/group-role-management-policy';
import { PrivilegedAccessGroupEligibilitySchedule } from '@cdktf/provider-azuread/lib/privileged-access-group-eligibility-schedule';
import { PrivilegedGroupConfig } from '../app-config/schema';
import { EntraGroup } from './entra-group';
import { EntraTestUser } from './entra-test-user';

export interface EntraPimProps {
  readonly privileged: PrivilegedGroupConfig;
  readonly group: EntraGroup;
  /** The eligible users, in the config's order. */
  readonly eligible: EntraTestUser[];
  /** Approver users and groups named by the config, by name. */
  readonly approverUsers: EntraTestUser[];
  readonly approverGroups: EntraGroup[];
}

/**
 * Just-in-time membership of a privileged group (seed 001, PIM for Groups; design.md §7 JIT): each
 * eligible user may activate membership for at most the policy's duration; nobody is a standing member.
 *
 * The member policy of the group always exists in Entra: azuread_group_role_management_policy adopts
 * it (group_role_management_policy_resource.go, Create reads the policy and PATCHes its rules; Delete
 * is a no-op). Its eligibility rule is set not to require an expiry, so the eligibility can be
 * permanent: the eligibility waits for the policy.
 */
export class EntraPim extends Construct {
  constructor(scope: Construct, id: string, props: EntraPimProps) {
    super(scope, id);
    const { activation } = props.privileged;
    const primaryApprover = [
      ...props.approverUsers.map((user) => ({ objectId: user.objectId, type: 'singleUser' })),
      ...props.approverGroups.map((group) => ({ objectId: group.objectId, type: 'groupMembers' })),
    ];
    const policy = new GroupRoleManagementPolicy(this, 'member_policy', {
      groupId: props.group.objectId,
      roleId: 'member',
      activationRules: {
        maximumDuration: activation.maximumDuration,
        requireJustification: activation.requireJustification,
        requireMultifactorAuthentication: activation.requireMultifactorAuthentication,
        requireApproval: primaryApprover.length > 0,
        // The provider refuses require_approval without exactly one stage (buildPolicyForUpdate).
        ...(primaryApprover.length ? { approvalStage: { primaryApprover } } : {}),
      },
      eligibleAssignmentRules: { expirationRequired: false },
    });
    // Keyed by user name: a new eligible user adds a schedule, none is renumbered.
    for (const user of props.eligible) {
      new PrivilegedAccessGroupEligibilitySchedule(this, `eligible_${user.userName}`, {
        groupId: props.group.objectId,
        principalId: user.objectId,
        assignmentType: 'member',
        permanentAssignment: true,
        justification: `Eligible for ${props.privileged.group} by config.ts (pim.privilegedGroups)`,
        dependsOn: [policy],
      });
    }
  }
}
