import { Construct } from 'constructs';
import { DataResource } from 'cdktf';
import { GroupRoleManagementPolicy } from '@cdktf/provider-azuread/lib/group-role-management-policy';
import { PrivilegedAccessGroupEligibilitySchedule } from '@cdktf/provider-azuread/lib/privileged-access-group-eligibility-schedule';
import { PrivilegedGroupConfig } from '../app-config/schema';
import { EntraGroup } from './entra-group';
import { EntraTestUser } from './entra-test-user';
import { literal } from './literal';

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
 * Just-in-time membership of a privileged group (PIM for Groups; docs/decisions/0005-just-in-time-admin-with-pim-for-groups.md): each
 * eligible user may activate membership for at most the policy's duration; nobody is a standing member.
 *
 * Order: the eligibilities first, then the policy.
 * - A group cannot be onboarded to PIM explicitly: the first eligibility (or assignment) request
 *   onboards it, and the IDs of its policies and policy assignments change then (Microsoft Graph
 *   "Govern membership and ownership of groups by using PIM for Groups", Onboarding groups).
 * - azuread_group_role_management_policy adopts the group's member policy through the group's policy
 *   assignment and fails unless there is exactly one (policies.go v3.7.0, getPolicyId: "expected 1,
 *   got 0"; provider issue 1769), without retrying. So the policy waits for the eligibilities.
 * - Until the policy is adopted, the default policy applies, and it requires an eligibility to expire
 *   within P365D (Expiration_Admin_Eligibility). So each eligibility lasts `eligibilityDuration` (one of
 *   the provider's expire_after values, all within P365D), and the adopted policy keeps requiring that.
 *
 * An eligibility is never updated in place: the provider's Update sends another adminAssign, which
 * Entra refuses with RoleAssignmentExists (privileged_access_group_eligiblity_schedule_resource.go
 * v3.7.0, Update; provider issue 1412). Its arguments that are not ForceNew (duration, justification)
 * are also held by a terraform_data that `replace_triggered_by` watches, so a change to either plans a
 * replacement: adminRemove, then adminAssign.
 */
export class EntraPim extends Construct {
  constructor(scope: Construct, id: string, props: EntraPimProps) {
    super(scope, id);
    const { activation, eligibilityDuration } = props.privileged;
    const primaryApprover = [
      ...props.approverUsers.map((user) => ({ objectId: user.objectId, type: 'singleUser' })),
      ...props.approverGroups.map((group) => ({ objectId: group.objectId, type: 'groupMembers' })),
    ];
    // Keyed by user name: a new eligible user adds a schedule, none is renumbered.
    const eligibilities = props.eligible.map((user) => {
      const mutable = { duration: eligibilityDuration, justification: literal(`Eligible for ${props.privileged.group} by config.ts (pim.privilegedGroups)`) };
      const trigger = new DataResource(this, `eligible_${user.userName}_arguments`, { input: mutable });
      return new PrivilegedAccessGroupEligibilitySchedule(this, `eligible_${user.userName}`, {
        groupId: props.group.objectId,
        principalId: user.objectId,
        assignmentType: 'member',
        ...mutable,
        lifecycle: { replaceTriggeredBy: [trigger] },
      });
    });
    new GroupRoleManagementPolicy(this, 'member_policy', {
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
      // Eligibilities keep expiring, at most after the duration they are given: a later one (a new
      // eligible user, a replacement) is accepted as the first was.
      eligibleAssignmentRules: { expirationRequired: true, expireAfter: eligibilityDuration },
      dependsOn: eligibilities,
    });
  }
}
