/**
 * Delegated permission scopes: which scopes a signed-in user's token must carry (any one of them) for
 * each Graph call the emulator serves, and how Graph refuses a token without them. The emulator's own
 * reading of the Graph permission pages; it does not import the product's scope list.
 * Only delegated (user) tokens are checked: the emulator's app-only token stands for the deployment's
 * service principal, whose application permissions are not modelled (unverified: which app roles it needs).
 */

export interface ScopeRule {
  /** Any one of these scopes allows the call. */
  readonly anyOf: readonly string[];
  /** PIM for Groups answers a missing scope in its own shape (see scopeRefusal). */
  readonly pim?: boolean;
}

const PIM = '/v1.0/identityGovernance/privilegedAccess/group';
const SYNC = '/v1.0/servicePrincipals/{id}/synchronization';

// Graph privilegedaccessgroup-post-assignmentschedulerequests, permissions: delegated least
// PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup, higher PrivilegedAssignmentSchedule.Remove.AzureADGroup;
// PrivilegedAccess.ReadWrite.AzureADGroup is the third scope Graph names when refusing it (azure-cli issue 30149).
const ASSIGNMENT_WRITE = ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'PrivilegedAccess.ReadWrite.AzureADGroup', 'PrivilegedAssignmentSchedule.Remove.AzureADGroup'];
// Microsoft Graph permissions reference, PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup: it covers
// GET assignmentScheduleInstances/filterByCurrentUser. unverified: that the plain lists of requests,
// instances and schedules take the same scopes (the Read one being the least).
const ASSIGNMENT_READ = ['PrivilegedAssignmentSchedule.Read.AzureADGroup', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'PrivilegedAccess.Read.AzureADGroup', 'PrivilegedAccess.ReadWrite.AzureADGroup'];
// Graph privilegedaccessgroupeligibilityschedule-get and eligibilityscheduleinstance-filterbycurrentuser
// permissions: delegated least PrivilegedEligibilitySchedule.Read.AzureADGroup, higher the ReadWrite one;
// PrivilegedAccess.Read.AzureADGroup as Graph names it when refusing (azure-cli issue 28854).
const ELIGIBILITY_READ = ['PrivilegedEligibilitySchedule.Read.AzureADGroup', 'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup', 'PrivilegedAccess.Read.AzureADGroup', 'PrivilegedAccess.ReadWrite.AzureADGroup'];
// unverified: the write scopes of eligibilityScheduleRequests, by analogy with the assignment requests.
const ELIGIBILITY_WRITE = ['PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup', 'PrivilegedAccess.ReadWrite.AzureADGroup'];
// unverified: the scopes of the group's role management policies and their assignments.
const POLICY_READ = ['RoleManagementPolicy.Read.AzureADGroup', 'RoleManagementPolicy.ReadWrite.AzureADGroup'];
const POLICY_WRITE = ['RoleManagementPolicy.ReadWrite.AzureADGroup'];
// Graph synchronization-synchronization-list-jobs and synchronization-synchronizationschema-get
// permissions: delegated least Synchronization.Read.All, higher Synchronization.ReadWrite.All.
const SYNC_READ = ['Synchronization.Read.All', 'Synchronization.ReadWrite.All'];
// Graph synchronization-synchronizationjob-provisionondemand permissions: delegated
// Synchronization.ReadWrite.All, "Higher privileged: Not available".
const SYNC_WRITE = ['Synchronization.ReadWrite.All'];
// Graph user-get permissions (GET /me): delegated least User.Read. unverified: the higher ones listed here.
const ME = ['User.Read', 'User.ReadWrite', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'];

/** Per route (the server's route name, `METHOD path`): the scopes a delegated token needs. */
const RULES: Record<string, ScopeRule> = {
  'GET /v1.0/me': { anyOf: ME },
  [`POST ${PIM}/assignmentScheduleRequests`]: { anyOf: ASSIGNMENT_WRITE, pim: true },
  [`GET ${PIM}/assignmentScheduleRequests`]: { anyOf: ASSIGNMENT_READ, pim: true },
  [`GET ${PIM}/assignmentScheduleInstances`]: { anyOf: ASSIGNMENT_READ, pim: true },
  [`GET ${PIM}/assignmentSchedules`]: { anyOf: ASSIGNMENT_READ, pim: true },
  [`POST ${PIM}/eligibilityScheduleRequests`]: { anyOf: ELIGIBILITY_WRITE, pim: true },
  [`POST ${PIM}/eligibilityScheduleRequests/{id}/cancel`]: { anyOf: ELIGIBILITY_WRITE, pim: true },
  [`GET ${PIM}/eligibilityScheduleRequests`]: { anyOf: ELIGIBILITY_READ, pim: true },
  [`GET ${PIM}/eligibilitySchedules`]: { anyOf: ELIGIBILITY_READ, pim: true },
  [`GET ${PIM}/eligibilitySchedules/{id}`]: { anyOf: ELIGIBILITY_READ, pim: true },
  'GET /v1.0/policies/roleManagementPolicyAssignments': { anyOf: POLICY_READ, pim: true },
  'GET /v1.0/policies/roleManagementPolicies/{id}': { anyOf: POLICY_READ, pim: true },
  'PATCH /v1.0/policies/roleManagementPolicies/{id}': { anyOf: POLICY_WRITE, pim: true },
  [`GET ${SYNC}/jobs`]: { anyOf: SYNC_READ },
  [`GET ${SYNC}/jobs/{jobId}/schema`]: { anyOf: SYNC_READ },
  [`POST ${SYNC}/jobs/{jobId}/provisionOnDemand`]: { anyOf: SYNC_WRITE },
  // unverified: the other synchronization calls, reads as list jobs and writes as provisionOnDemand.
  [`GET ${SYNC}/templates`]: { anyOf: SYNC_READ },
  [`GET ${SYNC}/jobs/{jobId}`]: { anyOf: SYNC_READ },
  [`POST ${SYNC}/jobs`]: { anyOf: SYNC_WRITE },
  [`DELETE ${SYNC}/jobs/{jobId}`]: { anyOf: SYNC_WRITE },
  [`PUT ${SYNC}/secrets`]: { anyOf: SYNC_WRITE },
  [`POST ${SYNC}/jobs/{jobId}/validateCredentials`]: { anyOf: SYNC_WRITE },
  [`POST ${SYNC}/jobs/{jobId}/start`]: { anyOf: SYNC_WRITE },
  [`POST ${SYNC}/jobs/{jobId}/pause`]: { anyOf: SYNC_WRITE },
};

/** The scopes this call needs of a delegated token, if the emulator checks it. */
export function scopeRule(operation: string): ScopeRule | undefined {
  return RULES[operation];
}

/**
 * How Graph answers a delegated token without the scope: 403 with Graph's error object. PIM for Groups
 * wraps its own error in the message, as azure-cli issues 30149 and 28854 show it:
 * `{"error":{"code":"UnknownError","message":"{\"errorCode\":\"PermissionScopeNotGranted\",\"message\":\"Authorization failed due to missing permission scope A,B,C.\"}"}}`.
 * unverified: the other calls' code and message (Graph's general Authorization_RequestDenied).
 */
export function scopeRefusal(rule: ScopeRule): { status: 403; code: string; message: string } {
  if (rule.pim) {
    return { status: 403, code: 'UnknownError', message: JSON.stringify({ errorCode: 'PermissionScopeNotGranted', message: `Authorization failed due to missing permission scope ${rule.anyOf.join(',')}.` }) };
  }
  return { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };
}

/**
 * The Graph scopes of a token `az login` gets (the Azure CLI's first-party client,
 * 04b07795-8ddb-461a-bbee-02f9e1bf7b46). azure-cli issues 30149 and 33778: it is preauthorized for a
 * fixed set that has no PIM scope, and asking for one fails with AADSTS65002.
 * unverified: the exact set; what the emulator relies on is only that no PIM or synchronization scope is in it.
 */
export const AZURE_CLI_SCOPES = ['User.Read', 'User.ReadWrite.All', 'Group.ReadWrite.All', 'Application.ReadWrite.All', 'Directory.AccessAsUser.All'];
