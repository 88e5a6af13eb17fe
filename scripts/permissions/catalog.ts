/**
 * What each kind of call needs: the facts the generator joins with what the code makes (the
 * stacks' resource types, the scripts' calls). Sources are named per entry; a call or resource
 * type missing here stops the generator, so nothing new goes out uncovered.
 */

/** IAM prefix of each SDK package and console service the scripts call. */
export const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-sso-admin': 'sso',
  '@aws-sdk/client-identitystore': 'identitystore',
  '@aws-sdk/client-s3': 's3',
  // The access report (scripts/access) reads the Organization; STS GetCallerIdentity needs no permission (AWS STS API reference).
  '@aws-sdk/client-organizations': 'organizations',
  '@aws-sdk/client-sts': 'sts',
  // The console-only operations are authorized as sso-directory:<Operation> (IAM service authorization reference, AWS IAM Identity Center directory)
  // (names such as sso-directory:ListBearerTokens and ListProvisioningTenants also in the Service Authorization Reference).
  appsauth: 'sso-directory',
  'identitystore-provisioning': 'sso-directory',
};

/**
 * Operations whose IAM action has another name (Service Authorization Reference, Amazon S3: ListObjectsV2 is
 * authorized by s3:ListBucket). The retired-stacks check lists the state bucket (scripts/ci/cli.ts).
 */
export const IAM_ACTION_OF_OPERATION: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };

/**
 * The IAM actions terraform-provider-aws 5.100.0 calls for each resource type over create, read,
 * update and delete. Checked by observation: every call Terraform made against the emulator while
 * applying, re-applying, growing and destroying both AWS stacks must be listed (permissions test).
 */
export const TERRAFORM_AWS_ACTIONS: Record<string, readonly string[]> = {
  'data.aws_caller_identity': [], // sts:GetCallerIdentity needs no permission (AWS STS reference)
  'data.aws_partition': [],
  'data.aws_region': [],
  'data.aws_ssoadmin_instances': ['sso:ListInstances'],
  aws_ssoadmin_permission_set: [
    'sso:CreatePermissionSet', 'sso:DescribePermissionSet', 'sso:UpdatePermissionSet', 'sso:DeletePermissionSet',
    'sso:ListTagsForResource', 'sso:TagResource', 'sso:UntagResource', 'sso:ProvisionPermissionSet', 'sso:DescribePermissionSetProvisioningStatus',
  ],
  aws_ssoadmin_permission_set_inline_policy: [
    'sso:PutInlinePolicyToPermissionSet', 'sso:GetInlinePolicyForPermissionSet', 'sso:DeleteInlinePolicyFromPermissionSet',
    'sso:ProvisionPermissionSet', 'sso:DescribePermissionSetProvisioningStatus',
  ],
  aws_ssoadmin_managed_policy_attachment: [
    'sso:AttachManagedPolicyToPermissionSet', 'sso:ListManagedPoliciesInPermissionSet', 'sso:DetachManagedPolicyFromPermissionSet',
    'sso:ProvisionPermissionSet', 'sso:DescribePermissionSetProvisioningStatus',
  ],
  aws_ssoadmin_account_assignment: [
    'sso:CreateAccountAssignment', 'sso:DescribeAccountAssignmentCreationStatus', 'sso:ListAccountAssignments',
    'sso:DeleteAccountAssignment', 'sso:DescribeAccountAssignmentDeletionStatus',
  ],
  aws_ssoadmin_instance_access_control_attributes: [
    'sso:CreateInstanceAccessControlAttributeConfiguration', 'sso:DescribeInstanceAccessControlAttributeConfiguration',
    'sso:UpdateInstanceAccessControlAttributeConfiguration', 'sso:DeleteInstanceAccessControlAttributeConfiguration',
  ],
  aws_identitystore_user: ['identitystore:CreateUser', 'identitystore:DescribeUser', 'identitystore:UpdateUser', 'identitystore:DeleteUser'],
  aws_ssoadmin_customer_managed_policy_attachment: [
    'sso:AttachCustomerManagedPolicyReferenceToPermissionSet', 'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
    'sso:DetachCustomerManagedPolicyReferenceFromPermissionSet', 'sso:ProvisionPermissionSet', 'sso:DescribePermissionSetProvisioningStatus',
  ],
  aws_ssoadmin_permissions_boundary_attachment: [
    'sso:PutPermissionsBoundaryToPermissionSet', 'sso:GetPermissionsBoundaryForPermissionSet', 'sso:DeletePermissionsBoundaryFromPermissionSet',
    'sso:ProvisionPermissionSet', 'sso:DescribePermissionSetProvisioningStatus',
  ],
  // The access stacks' reads (stacks/aws-access-stack.ts). The organization data source lists accounts, roots and
  // service access from the management account; descendant accounts walk the OU tree.
  // terraform_remote_state (Terraform's built-in, the base stack's state with the permission sets' ARNs) calls no AWS
  // API with local state; with the S3 backend it reads the base stack's state object (s3:GetObject on
  // <keyPrefix>/<stack>.tfstate, no lock) with state.s3.profile, as every backend does: STATE_BACKEND_ACTIONS on
  // <keyPrefix>/* in the state statements of that profile's policy (scripts/permissions/generate.ts) cover it.
  'data.terraform_remote_state': [],
  // With the S3 backend, whether the base stack's state exists yet (constructs/state-backend.ts, stateExists): one
  // ListObjectsV2 of its key with state.s3.profile, s3:ListBucket on the bucket in that profile's state statements.
  'data.aws_s3_objects': [],
  'data.aws_identitystore_groups': ['identitystore:ListGroups'],
  'data.aws_identitystore_user': ['identitystore:GetUserId', 'identitystore:DescribeUser'],
  // The users an access stack assigns, listed once (constructs/identity-center-principals.ts).
  'data.aws_identitystore_users': ['identitystore:ListUsers'],
  'data.aws_organizations_organization': [
    'organizations:DescribeOrganization', 'organizations:ListAccounts', 'organizations:ListRoots', 'organizations:ListAWSServiceAccessForOrganization',
  ],
  'data.aws_organizations_organizational_unit_descendant_accounts': ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
};

/**
 * Actions a call needs beyond its own, which no emulator shows: an assignment on the management
 * account makes Identity Center create the permission set's role and SAML provider in the caller's
 * name. Source: IAM Identity Center user guide, "Identity-based policy examples", example 2 ("Allow a
 * user to manage permissions to AWS accounts"): the statements "IAMListPermissions" and
 * "AccessToSSOProvisionedRoles" and the SAML provider statement, which its note says are needed only
 * for assignments in the Organizations management account, "in certain cases" with
 * iam:UpdateSAMLProvider as well (also the AWSSSOMasterAccountAdministrator managed policy).
 */
export const ASSIGNMENT_ROLE_ACTIONS = [
  'iam:AttachRolePolicy', 'iam:CreateRole', 'iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:GetRole',
  'iam:GetSAMLProvider', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:PutRolePolicy', 'iam:UpdateRole', 'iam:UpdateRoleDescription',
  'iam:UpdateSAMLProvider',
];
export const ASSIGNMENT_ROLE_RESOURCES = (partition: string) => [
  `arn:${partition}:iam::*:role/aws-reserved/sso.amazonaws.com/*`,
  `arn:${partition}:iam::*:saml-provider/AWSSSO_*_DO_NOT_DELETE`,
];
/** Example 2's "IAMListPermissions": list actions, which take no resource ARN (Resource "*"). */
export const ASSIGNMENT_LIST_ACTIONS = ['iam:ListPolicies', 'iam:ListRoles'];
/**
 * The region IAM requests are made in, per partition, for the aws:RequestedRegion condition. IAM user
 * guide, global condition keys, aws:RequestedRegion: IAM has one endpoint, so its calls are made to
 * us-east-1. unverified: us-gov-west-1 for GovCloud (the region of its IAM endpoint iam.us-gov.amazonaws.com).
 */
export const IAM_REQUESTED_REGION: Record<string, string> = { aws: 'us-east-1', 'aws-us-gov': 'us-gov-west-1' };
/**
 * Organizations, like IAM, has one endpoint per partition (AWS General Reference, Organizations endpoints:
 * organizations.us-east-1.amazonaws.com, organizations.us-gov-west-1.amazonaws.com): the region its calls are made in.
 */
export const ORGANIZATIONS_REQUESTED_REGION = IAM_REQUESTED_REGION;

/**
 * What `npm run status` and `npm run access` run, for the read-only role's policy (scripts/permissions/generate.ts
 * follows their imports): the two reports, the AWS clients they are given (scripts/clients/aws.ts) and the deploy records.
 */
export const READ_ONLY_ENTRIES = ['scripts/status.ts', 'scripts/access/index.ts', 'scripts/clients/aws.ts', 'scripts/deploy-record.ts'];
/** An action that only reads, by its verb (IAM service authorization reference: access level List or Read). */
export const READ_ONLY_ACTION = /^[a-z0-9-]+:(Get|List|Describe)/;

/** Calls that need no IAM permission: AWS STS API reference, GetCallerIdentity ("No permissions are required"). */
export const NO_PERMISSION_ACTIONS = new Set(['sts:GetCallerIdentity']);

/** The S3 backend with use_lockfile: list the bucket, read and write the state, write and delete the lock (Terraform S3 backend docs). */
export const STATE_BACKEND_ACTIONS = ['s3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:DeleteObject'];

/**
 * Microsoft Graph application permissions (what CI's workload identity is granted), least
 * privileged per the "Permissions" table of each Graph v1.0 API page; first match wins.
 */
export const GRAPH_CALL_PERMISSIONS: readonly { method: RegExp; path: RegExp; permission: string; delegated?: true }[] = [
  { method: /^GET$/, path: /^\/servicePrincipals\/\{id\}\/synchronization\//, permission: 'Synchronization.Read.All' },
  { method: /^(POST|PUT|PATCH|DELETE)$/, path: /^\/servicePrincipals\/\{id\}\/synchronization\//, permission: 'Synchronization.ReadWrite.All' },
  { method: /^GET$/, path: /^\/(servicePrincipals|applications)\/\{id\}$/, permission: 'Application.Read.All' },
  { method: /^PATCH$/, path: /^\/servicePrincipals\/\{id\}$/, permission: 'Application.ReadWrite.All' },
  { method: /^GET$/, path: /^\/domains$/, permission: 'Domain.Read.All' },
  // The leftover check after destroy lists by name: application-list (Application.Read.All), group-list
  // (GroupMember.Read.All), user-list (User.ReadBasic.All), each the least privileged application permission of its page.
  { method: /^GET$/, path: /^\/applications$/, permission: 'Application.Read.All' },
  { method: /^GET$/, path: /^\/groups$/, permission: 'GroupMember.Read.All' },
  { method: /^GET$/, path: /^\/users$/, permission: 'User.ReadBasic.All' },
  // The access report: group-list-members (GroupMember.Read.All); PIM for Groups privilegedAccessGroup-list-eligibilityschedules
  // (PrivilegedEligibilitySchedule.Read.AzureADGroup) and -list-assignmentschedules (PrivilegedAssignmentSchedule.Read.AzureADGroup).
  { method: /^GET$/, path: /^\/groups\/\{id\}\/members$/, permission: 'GroupMember.Read.All' },
  { method: /^GET$/, path: /^\/identityGovernance\/privilegedAccess\/group\/eligibilitySchedules$/, permission: 'PrivilegedEligibilitySchedule.Read.AzureADGroup' },
  { method: /^GET$/, path: /^\/identityGovernance\/privilegedAccess\/group\/assignmentSchedules$/, permission: 'PrivilegedAssignmentSchedule.Read.AzureADGroup' },
  // elevate/revoke (scripts/jit) call with the person's own delegated token, never CI's: listed apart, not granted to CI.
  // user-get (GET /me): delegated User.Read, no application permission; privilegedAccessGroup-post-assignmentschedulerequests
  // (selfActivate, selfDeactivate): delegated PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup.
  { method: /^GET$/, path: /^\/me$/, permission: 'User.Read', delegated: true },
  { method: /^POST$/, path: /^\/identityGovernance\/privilegedAccess\/group\/assignmentScheduleRequests$/, permission: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', delegated: true },
];

/** Application roles of each azuread 3.7 resource type ("API Permissions" in the provider's docs). */
export const TERRAFORM_GRAPH_PERMISSIONS: Record<string, readonly string[]> = {
  'data.azuread_client_config': [],
  'data.azuread_application_template': ['Application.Read.All'],
  'data.azuread_domains': ['Domain.Read.All'],
  azuread_application: ['Application.ReadWrite.All'],
  azuread_service_principal: ['Application.ReadWrite.All'],
  azuread_service_principal_token_signing_certificate: ['Application.ReadWrite.All'],
  azuread_user: ['User.ReadWrite.All'],
  azuread_app_role_assignment: ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All'],
  azuread_claims_mapping_policy: ['Policy.ReadWrite.ApplicationConfiguration', 'Policy.Read.All'],
  azuread_service_principal_claims_mapping_policy_assignment: ['Policy.ReadWrite.ApplicationConfiguration', 'Policy.Read.All'],
  // azuread_group_member "API Permissions": Group.ReadWrite.All (or Directory.ReadWrite.All).
  azuread_group_member: ['Group.ReadWrite.All'],
  // unverified (the pages' "API Permissions" sections not read for these three): Group.ReadWrite.All for a
  // security group, Application.ReadWrite.All for an application's identifier URI and redirect URIs.
  // A privileged group is role-assignable (constructs/entra-group.ts): Graph group-post-groups asks RoleManagement.ReadWrite.Directory
  // beside Group.ReadWrite.All of an app that creates a group with isAssignableToRole.
  azuread_group: ['Group.ReadWrite.All', 'RoleManagement.ReadWrite.Directory'],
  azuread_application_identifier_uri: ['Application.ReadWrite.All'],
  azuread_application_redirect_uris: ['Application.ReadWrite.All'],
  // PIM for Groups, each page's "API Permissions" with a service principal: azuread_group_role_management_policy
  // RoleManagementPolicy.ReadWrite.AzureADGroup; azuread_privileged_access_group_eligibility_schedule PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup.
  azuread_group_role_management_policy: ['RoleManagementPolicy.ReadWrite.AzureADGroup'],
  // The JIT app registration (constructs/entra-jit-client.ts): Graph servicePrincipal-get (Application.Read.All) for Microsoft
  // Graph's scope ids; oauth2PermissionGrant create/update/delete, least privileged application permission
  // DelegatedPermissionGrant.ReadWrite.All (Graph oauth2permissiongrant-post), for the admin consent.
  'data.azuread_service_principal': ['Application.Read.All'],
  azuread_service_principal_delegated_permission_grant: ['DelegatedPermissionGrant.ReadWrite.All'],
  azuread_privileged_access_group_eligibility_schedule: ['PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup'],
};

/** Resource types that call no cloud API. */
export const LOCAL_ONLY_TYPES = new Set(['random_password', 'terraform_data']);
