import { randomUUID } from 'node:crypto';
import { Directory } from './directory';

/**
 * PIM for Groups (Graph v1.0, privilegedAccessGroup): eligibility and assignment schedule requests,
 * their schedules, and each group's role management policy with its rules. An active (activated)
 * membership is a real membership of the group while it lasts, so everything that reads members —
 * sign-in, the provisioning engine — sees it; an eligibility alone is no membership.
 */

/** Refusals carry Graph's status and error code; the server answers them as Graph errors. */
export class PimRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type AccessId = 'member' | 'owner';

interface ScheduleInfo {
  startDateTime?: string | null;
  expiration?: { type?: string; duration?: string | null; endDateTime?: string | null };
}

/** privilegedAccessGroupEligibilityScheduleRequest / privilegedAccessGroupAssignmentScheduleRequest (Graph resource pages). */
export interface ScheduleRequest {
  id: string;
  accessId: AccessId;
  principalId: string;
  groupId: string;
  action: string;
  status: string;
  justification: string | null;
  scheduleInfo: ScheduleInfo | null;
  targetScheduleId: string | null;
  createdDateTime: string;
}

/** privilegedAccessGroupEligibilitySchedule / privilegedAccessGroupAssignmentSchedule. */
export interface Schedule {
  id: string;
  accessId: AccessId;
  principalId: string;
  groupId: string;
  memberType: 'Direct';
  status: 'Provisioned';
  scheduleInfo: ScheduleInfo;
  createdDateTime: string;
}

interface Activation {
  readonly schedule: Schedule;
  readonly timer?: NodeJS.Timeout;
}

/** The caller of a delegated request: the signed-in user and whether the sign-in used MFA (the token's amr claim). */
export interface Caller {
  readonly userId: string;
  readonly mfa: boolean;
}

const POLICY_RULE = '#microsoft.graph.unifiedRoleManagementPolicy';
const target = (caller: 'Admin' | 'EndUser', level: 'Eligibility' | 'Assignment') => ({ caller, operations: ['All'], level, inheritableSettings: [], enforcedSettings: [] });

/**
 * A new group's policy rules, with the ids the provider reads and writes
 * (group_role_management_policy_resource.go, buildPolicyForUpdate) and the rule types of Graph's
 * unifiedRoleManagementPolicyRule page. The default values are those of a group's policy that was
 * never modified (lastModifiedDateTime null) in Microsoft Graph (beta) "List roleManagementPolicyAssignments",
 * example 4 (PIM for groups, policy and rules expanded): Expiration_Admin_Eligibility isExpirationRequired
 * true, maximumDuration P365D; Expiration_Admin_Assignment true, P180D; Enablement_Admin_Assignment
 * Justification; Expiration_EndUser_Assignment PT8H; Enablement_EndUser_Assignment Justification; no approval.
 * (That example is the owner role's policy; unverified: that the member role's defaults are the same.)
 */
function defaultRules() {
  return [
    { '@odata.type': `${POLICY_RULE}ExpirationRule`, id: 'Expiration_Admin_Eligibility', isExpirationRequired: true, maximumDuration: 'P365D', target: target('Admin', 'Eligibility') },
    { '@odata.type': `${POLICY_RULE}ExpirationRule`, id: 'Expiration_Admin_Assignment', isExpirationRequired: true, maximumDuration: 'P180D', target: target('Admin', 'Assignment') },
    { '@odata.type': `${POLICY_RULE}EnablementRule`, id: 'Enablement_Admin_Assignment', enabledRules: ['Justification'], target: target('Admin', 'Assignment') },
    { '@odata.type': `${POLICY_RULE}ExpirationRule`, id: 'Expiration_EndUser_Assignment', isExpirationRequired: true, maximumDuration: 'PT8H', target: target('EndUser', 'Assignment') },
    { '@odata.type': `${POLICY_RULE}EnablementRule`, id: 'Enablement_EndUser_Assignment', enabledRules: ['Justification'], target: target('EndUser', 'Assignment') },
    { '@odata.type': `${POLICY_RULE}ApprovalRule`, id: 'Approval_EndUser_Assignment', setting: { isApprovalRequired: false, approvalStages: [] }, target: target('EndUser', 'Assignment') },
  ] as Record<string, any>[];
}

/** unifiedRoleManagementPolicy (Graph resource page): one per group and role, scope type Group. */
export interface Policy {
  id: string;
  displayName: string;
  description: string;
  isOrganizationDefault: boolean;
  scopeId: string;
  scopeType: 'Group';
  lastModifiedDateTime: string;
  rules: Record<string, any>[];
  roleDefinitionId: AccessId;
}

/** ISO 8601 durations of days, hours, minutes and seconds, in milliseconds; undefined if not one. */
export function durationMs(duration: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

// Policy ids are Group_<group id>_<policy id> (parse/role_management_policy.go, ParseRoleManagementPolicyID).
const newPolicyId = (groupId: string) => `Group_${groupId}_${randomUUID()}`;

/** Graph answers a request that breaks policy rules with the names of the rules that failed. unverified: the exact code and text. */
const policyFailure = (rules: string[]) => new PimRefusal(400, 'RoleAssignmentRequestPolicyValidationFailed', `The following policy rules failed: ${JSON.stringify(rules)}`);

export class PrivilegedAccess {
  readonly eligibilityRequests: ScheduleRequest[] = [];
  readonly assignmentRequests: ScheduleRequest[] = [];
  readonly eligibilities = new Map<string, Schedule>();
  /** Active assignments made by activation, by schedule id; each ends its membership when it expires. */
  private readonly activations = new Map<string, Activation>();
  private readonly policies = new Map<string, Policy>();
  /** Groups onboarded to PIM for Groups (never offboarded: Graph PIM for Groups overview, Onboarding groups). */
  private readonly onboarded = new Set<string>();

  /**
   * How long an activation must have lasted before it may be ended: Microsoft Entra, "Assign eligibility for a group in
   * Privileged Identity Management": an assignment "can't be removed within five minutes of it being assigned". Tests
   * and the rehearsal shorten it, as they shorten the provisioning cycle, and say so.
   */
  minimumActiveMs = 5 * 60_000;

  constructor(private readonly directory: Directory) {}

  stop(): void {
    this.activations.forEach((a) => clearTimeout(a.timer));
  }

  /**
   * A group's policy for a role. The policy always exists, so the provider adopts it rather than
   * creating it (group_role_management_policy_resource.go: Create reads then updates; Delete is a no-op).
   */
  policyFor(groupId: string, role: AccessId): Policy {
    this.groupOf(groupId);
    const key = `${groupId}_${role}`;
    if (!this.policies.has(key)) {
      const now = new Date().toISOString();
      this.policies.set(key, { id: newPolicyId(groupId), displayName: 'Group', description: 'Group', isOrganizationDefault: false, scopeId: groupId, scopeType: 'Group', lastModifiedDateTime: now, rules: defaultRules(), roleDefinitionId: role });
    }
    return this.policies.get(key)!;
  }

  // unverified: the code and message for a policy id that names none (e.g. one from before onboarding).
  policy(id: string): Policy {
    const policy = [...this.policies.values()].find((p) => p.id === id);
    if (!policy) throw new PimRefusal(404, 'ResourceNotFound', `Policy '${id}' does not exist.`);
    return policy;
  }

  /** A group's policies for both roles (Graph "List roleManagementPolicies", scopeId and scopeType 'Group'). */
  groupPolicies(groupId: string): Policy[] {
    return (['member', 'owner'] as const).map((role) => this.policyFor(groupId, role));
  }

  /**
   * The group's policy assignments (unifiedRoleManagementPolicyAssignment, id <policy id>_<role>), only
   * once the group is onboarded. unverified: that a group not yet onboarded lists none; it is what
   * azuread's "expected 1, got 0" for a new group shows (policies.go getPolicyId; provider issue 1769).
   */
  policyAssignments(groupId: string) {
    this.groupOf(groupId);
    if (!this.onboarded.has(groupId)) return [];
    return this.groupPolicies(groupId).map((policy) => ({ id: `${policy.id}_${policy.roleDefinitionId}`, policyId: policy.id, scopeId: groupId, scopeType: 'Group', roleDefinitionId: policy.roleDefinitionId }));
  }

  /**
   * Graph PIM for Groups overview, Onboarding groups: a group cannot be onboarded explicitly; a request
   * to add an assignment or eligibility, or an update of its policy, onboards it, and "After PIM onboards
   * a group, the IDs of the PIM policies and policy assignments for the specific group change".
   * unverified: that a request PIM refuses (e.g. for its expiry) onboards the group too.
   */
  private onboard(groupId: string): void {
    if (this.onboarded.has(groupId)) return;
    this.onboarded.add(groupId);
    this.groupPolicies(groupId).forEach((policy) => (policy.id = newPolicyId(groupId)));
  }

  /**
   * PATCH of a policy with rules: each rule replaces the one with its id (the provider sends only changed
   * rules). It onboards the group (Graph PIM for Groups overview, Onboarding groups), and the policy gets a
   * new id: azuread policies.go (v3.7.0), getPolicyId, "the policy ID changes with each modification"
   * (the provider's word; Graph's page says so of onboarding).
   */
  updatePolicy(id: string, rules: Record<string, any>[]): void {
    const policy = this.policy(id);
    for (const rule of rules) {
      const at = policy.rules.findIndex((r) => r.id === rule.id);
      if (at < 0) throw new PimRefusal(400, 'InvalidPolicyRule', `Policy '${id}' has no rule '${rule.id}'.`);
      policy.rules[at] = { ...policy.rules[at], ...rule };
    }
    policy.lastModifiedDateTime = new Date().toISOString();
    this.onboard(policy.scopeId);
    policy.id = newPolicyId(policy.scopeId);
  }

  /** Graph privilegedAccessGroup-post-eligibilityScheduleRequests: adminAssign creates an eligibility, adminRemove ends it. */
  requestEligibility(body: any): ScheduleRequest {
    const request = this.newRequest(body);
    this.onboard(request.groupId);
    if (request.action === 'adminAssign') {
      this.checkEligibilityExpiry(request);
      // Another adminAssign for an eligibility that exists (what azuread's Update sends: provider issues 1412,
      // 1431): 400 RoleAssignmentExists, "The Role assignment already exists." (Graph beta governanceRoleAssignmentRequest
      // create, Error codes; the message as provider issue 1306 shows it).
      if (this.eligibilityOf(request.groupId, request.principalId, request.accessId)) throw new PimRefusal(400, 'RoleAssignmentExists', 'The Role assignment already exists.');
      const schedule = this.newSchedule(request);
      this.eligibilities.set(schedule.id, schedule);
      Object.assign(request, { status: 'Provisioned', targetScheduleId: schedule.id });
    } else if (request.action === 'adminRemove') {
      const schedule = this.eligibilityOf(request.groupId, request.principalId, request.accessId);
      if (!schedule) throw new PimRefusal(404, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
      this.eligibilities.delete(schedule.id);
      Object.assign(request, { status: 'Revoked', targetScheduleId: schedule.id });
    } else {
      throw new PimRefusal(400, 'InvalidScheduleRequest', `Action '${request.action}' is not supported here.`);
    }
    this.eligibilityRequests.push(request);
    return request;
  }

  /** The provider's Delete cancels a request still pending (privileged_access_group_eligiblity_schedule_resource.go, cancelEligibilityRequest). */
  cancelEligibilityRequest(id: string): void {
    const request = this.eligibilityRequests.find((r) => r.id === id);
    if (!request) throw new PimRefusal(404, 'ResourceNotFound', `Request '${id}' does not exist.`);
    if (!request.status.startsWith('Pending')) throw new PimRefusal(400, 'InvalidScheduleRequest', `Request '${id}' is ${request.status}; only a pending request can be canceled.`);
    request.status = 'Canceled';
  }

  /**
   * Graph privilegedAccessGroup-post-assignmentScheduleRequests: selfActivate and selfDeactivate by
   * the signed-in user for themselves (delegated only), checked against the policy's end-user rules
   * (unifiedRoleManagementPolicy rules: Expiration_EndUser_Assignment, Enablement_EndUser_Assignment,
   * Approval_EndUser_Assignment).
   */
  requestAssignment(body: any, caller: Caller | undefined): ScheduleRequest {
    const request = this.newRequest(body);
    this.onboard(request.groupId);
    if (request.action !== 'selfActivate' && request.action !== 'selfDeactivate') throw new PimRefusal(400, 'InvalidScheduleRequest', `Action '${request.action}' is not supported by this emulator.`);
    // unverified: the code Graph answers when an app-only token or another user asks for a self action.
    if (!caller) throw new PimRefusal(403, 'Authorization_RequestDenied', `${request.action} acts for the signed-in user: call it with a delegated (user) token.`);
    if (caller.userId !== request.principalId) throw new PimRefusal(403, 'Authorization_RequestDenied', `${request.action} can only be requested by the principal itself.`);
    if (request.action === 'selfActivate') this.activate(request, caller);
    else this.deactivate(request);
    this.assignmentRequests.push(request);
    return request;
  }

  /** The active memberships now (assignmentScheduleInstances). */
  activeAssignments(): Schedule[] {
    return [...this.activations.values()].map((a) => a.schedule);
  }

  eligibilityOf(groupId: string, principalId: string, accessId: AccessId): Schedule | undefined {
    return [...this.eligibilities.values()].find((s) => s.groupId === groupId && s.principalId === principalId && s.accessId === accessId);
  }

  private activate(request: ScheduleRequest, caller: Caller): void {
    if (!this.eligibilityOf(request.groupId, request.principalId, request.accessId)) {
      // unverified: the exact code for an activation without an eligibility.
      throw new PimRefusal(400, 'RoleAssignmentDoesNotExist', `The principal is not eligible for ${request.accessId} of group ${request.groupId}.`);
    }
    if (this.activeOf(request)) throw new PimRefusal(400, 'RoleAssignmentExists', 'The Role assignment already exists.');
    const rules = this.policyFor(request.groupId, request.accessId).rules;
    const rule = (id: string) => rules.find((r) => r.id === id)!;
    const requested = durationMs(request.scheduleInfo?.expiration?.duration ?? '');
    const maximum = durationMs(rule('Expiration_EndUser_Assignment').maximumDuration)!;
    const enabled: string[] = rule('Enablement_EndUser_Assignment').enabledRules ?? [];
    const failed = [
      ...(requested === undefined || requested > maximum ? ['ExpirationRule'] : []),
      ...(enabled.includes('Justification') && !request.justification?.trim() ? ['JustificationRule'] : []),
      ...(enabled.includes('MultiFactorAuthentication') && !caller.mfa ? ['MfaRule'] : []),
    ];
    if (failed.length) throw policyFailure(failed);
    if (rule('Approval_EndUser_Assignment').setting?.isApprovalRequired) {
      request.status = 'PendingApproval';
      return;
    }
    const schedule = this.newSchedule(request);
    // The activation ends by itself at the end of its duration; the membership goes with it.
    const timer = setTimeout(() => this.end(schedule.id), requested!);
    timer.unref();
    this.activations.set(schedule.id, { schedule, timer });
    this.groupOf(request.groupId).memberIds.add(request.principalId);
    Object.assign(request, { status: 'Provisioned', targetScheduleId: schedule.id });
  }

  private deactivate(request: ScheduleRequest): void {
    const active = this.activeOf(request);
    if (!active) throw new PimRefusal(404, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
    // unverified: the code and message, as public PIM clients match them (ActiveDurationTooShort, Microsoft's "Miniumum").
    if (Date.now() - Date.parse(active.createdDateTime) < this.minimumActiveMs) {
      throw new PimRefusal(400, 'ActiveDurationTooShort', 'The Active duration is too short. Miniumum Required is 5 minutes.');
    }
    this.end(active.id);
    Object.assign(request, { status: 'Revoked', targetScheduleId: active.id });
  }

  private end(scheduleId: string): void {
    const activation = this.activations.get(scheduleId);
    if (!activation) return;
    clearTimeout(activation.timer);
    this.activations.delete(scheduleId);
    this.directory.groups.get(activation.schedule.groupId)?.memberIds.delete(activation.schedule.principalId);
  }

  private activeOf(request: ScheduleRequest): Schedule | undefined {
    return this.activeAssignments().find((s) => s.groupId === request.groupId && s.principalId === request.principalId && s.accessId === request.accessId);
  }

  /**
   * Expiration_Admin_Eligibility (unifiedRoleManagementPolicyExpirationRule: isExpirationRequired,
   * maximumDuration): while the policy requires an expiry, an eligibility without one, or one that lasts
   * longer than maximumDuration, is refused with RoleAssignmentRequestPolicyValidationFailed (Graph beta
   * governanceRoleAssignmentRequest create, Error codes: "doesn't meet the internal policies"; provider
   * issue 1450; Graph PIM for Groups overview: a request "without expiry date returns a 400 Bad Request
   * response code for violation of the expiration rule"). No scheduleInfo or expiration counts as none.
   */
  private checkEligibilityExpiry(request: ScheduleRequest): void {
    const rule = this.policyFor(request.groupId, request.accessId).rules.find((r) => r.id === 'Expiration_Admin_Eligibility')!;
    if (!rule.isExpirationRequired) return;
    const expiration = request.scheduleInfo?.expiration;
    const start = Date.parse(request.scheduleInfo?.startDateTime ?? request.createdDateTime);
    const lasts =
      expiration?.type === 'afterDuration' ? durationMs(expiration.duration ?? '') : expiration?.type === 'afterDateTime' ? Date.parse(expiration.endDateTime ?? '') - start : undefined;
    const maximum = durationMs(rule.maximumDuration ?? '') ?? Infinity;
    if (lasts === undefined || Number.isNaN(lasts) || lasts > maximum) throw policyFailure(['ExpirationRule']);
  }

  private newRequest(body: any): ScheduleRequest {
    if (body.accessId !== 'member' && body.accessId !== 'owner') throw new PimRefusal(400, 'InvalidScheduleRequest', "accessId must be 'member' or 'owner'.");
    this.groupOf(body.groupId);
    if (!this.directory.users.has(body.principalId)) throw new PimRefusal(404, 'Request_ResourceNotFound', `Principal '${body.principalId}' does not exist.`);
    return {
      id: randomUUID(),
      accessId: body.accessId,
      principalId: body.principalId,
      groupId: body.groupId,
      action: String(body.action),
      status: 'Granted',
      justification: body.justification ?? null,
      scheduleInfo: body.scheduleInfo ?? null,
      targetScheduleId: null,
      createdDateTime: new Date().toISOString(),
    };
  }

  /** Schedule ids are <group id>_<access id>_<uuid> (parse/privileged_access_group_schedule.go, ParsePrivilegedAccessGroupScheduleID). */
  private newSchedule(request: ScheduleRequest): Schedule {
    const scheduleInfo = { startDateTime: request.scheduleInfo?.startDateTime ?? request.createdDateTime, expiration: request.scheduleInfo?.expiration ?? { type: 'noExpiration' } };
    return { id: `${request.groupId}_${request.accessId}_${randomUUID()}`, accessId: request.accessId, principalId: request.principalId, groupId: request.groupId, memberType: 'Direct', status: 'Provisioned', scheduleInfo, createdDateTime: request.createdDateTime };
  }

  private groupOf(groupId: string) {
    const group = this.directory.groups.get(groupId);
    if (!group) throw new PimRefusal(404, 'Request_ResourceNotFound', `Group '${groupId}' does not exist.`);
    return group;
  }
}
