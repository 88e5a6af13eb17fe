/**
 * The JIT app registration as both sides know it: the azure-id stack creates it with these scopes
 * (constructs/entra-jit-client.ts), and `npm run elevate` and `npm run revoke` sign in through it
 * asking for the same list (scripts/jit/sign-in.ts).
 */

/** The app registration's display name in Entra, for Terraform and for the messages that name it. */
export const JIT_APP_NAME = 'AWS IAM Identity Center JIT (npm run elevate)';

/**
 * The delegated Graph scopes the commands need, each the least its call's Graph permission page
 * allows: GET /me User.Read; assignmentScheduleRequests (selfActivate, selfDeactivate)
 * PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup; list synchronization jobs, get the schema and
 * provisionOnDemand Synchronization.ReadWrite.All (the only delegated scope provisionOnDemand takes,
 * and it covers the two reads).
 */
export const JIT_SCOPES = ['User.Read', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'Synchronization.ReadWrite.All'] as const;
