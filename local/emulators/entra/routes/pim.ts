/**
 * PIM for Groups (Graph privilegedaccessgroup-post-eligibilityschedulerequests,
 * privilegedaccessgroup-post-assignmentschedulerequests, privilegedaccessgroup-list-assignmentscheduleinstances)
 * and the group's policies (unifiedRoleManagementPolicy, unifiedRoleManagementPolicyAssignment).
 */
import { existing, filterClauses, filtered, RouteContext } from './common';

export function pimRoutes(ctx: RouteContext, v: string): void {
  const pim = ctx.pim;
  const base = `${v}/identityGovernance/privilegedAccess/group`;
  ctx.route('POST', `${base}/eligibilityScheduleRequests`, (_, body) => [201, pim.requestEligibility(body)]);
  // The provider reads the newest request first (privileged_access_group_eligiblity_schedule_resource.go, Read: $orderby createdDateTime desc).
  ctx.route('GET', `${base}/eligibilityScheduleRequests`, (_, __, url) => ({ value: filtered(pim.eligibilityRequests, url).reverse() }));
  ctx.route('POST', `${base}/eligibilityScheduleRequests/{id}/cancel`, ([id]) => (pim.cancelEligibilityRequest(id), [204]));
  ctx.route('GET', `${base}/eligibilitySchedules`, (_, __, url) => ({ value: filtered([...pim.eligibilities.values()], url) }));
  ctx.route('GET', `${base}/eligibilitySchedules/{id}`, ([id]) => existing(pim.eligibilities.get(id), id));
  ctx.route('POST', `${base}/assignmentScheduleRequests`, (_, body, __, caller) => [201, pim.requestAssignment(body, caller)]);
  ctx.route('GET', `${base}/assignmentScheduleRequests`, (_, __, url) => ({ value: filtered(pim.assignmentRequests, url).reverse() }));
  ctx.route('GET', `${base}/assignmentScheduleInstances`, (_, __, url) => ({ value: filtered(pim.activeAssignments(), url) }));
  // privilegedAccessGroup-list-assignmentschedules: the schedules of who holds the role, an activation's with assignmentType "activated".
  ctx.route('GET', `${base}/assignmentSchedules`, (_, __, url) => ({ value: filtered(pim.activeAssignments(), url).map((s) => ({ ...s, assignmentType: 'activated' })) }));

  // A policy assignment per group and role; its id is <policy id>_<role> (parse/role_management_policy_assignment.go).
  // Listed only once the group is onboarded to PIM (local/emulators/entra/pim.ts, policyAssignments).
  ctx.route('GET', `${v}/policies/roleManagementPolicyAssignments`, (_, __, url) => ({ value: filtered(pim.policyAssignments(filterClauses(url).scopeId), url) }));
  // Graph "List roleManagementPolicies": a group's policies by $filter=scopeId eq '{groupId}' and scopeType eq 'Group'.
  ctx.route('GET', `${v}/policies/roleManagementPolicies`, (_, __, url) => ({ value: filtered(pim.groupPolicies(filterClauses(url).scopeId).map(({ rules, roleDefinitionId, ...policy }) => policy), url) }));
  // Graph returns a policy's rules only when they are expanded ($expand=rules or *).
  ctx.route('GET', `${v}/policies/roleManagementPolicies/{id}`, ([id], _, url) => {
    const { rules, roleDefinitionId, ...policy } = pim.policy(id);
    return url.searchParams.get('$expand') ? { ...policy, rules } : policy;
  });
  ctx.route('PATCH', `${v}/policies/roleManagementPolicies/{id}`, ([id], body) => (pim.updatePolicy(id, body.rules ?? []), [204]));
}
