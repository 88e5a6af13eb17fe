import { z } from 'zod';
import { CDKTF_TOKEN_MARKER } from './cdktf-token';

// Regions per partition, from the AWS regional services list; Identity Center runs in each.
// A region outside this list is a typo far more often than a new region.
export const REGIONS_BY_PARTITION = {
  aws: [
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1',
    'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
    'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'ca-west-1',
    'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1',
    'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1', 'me-central-1', 'sa-east-1',
  ],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
} as const;

export type Partition = keyof typeof REGIONS_BY_PARTITION;
const ALL_REGIONS: readonly string[] = Object.values(REGIONS_BY_PARTITION).flat();

// Identity Center limits: permission set names are 1-32 of [\w+=,.@-]; sessions PT1H to PT12H.
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
const SESSION_DURATIONS = Array.from({ length: 12 }, (_, i) => `PT${i + 1}H`);
// Characters Identity Center's SCIM and identity store refuse in names (tutorial, "Considerations").
const FORBIDDEN_NAME_CHARACTERS = /[\t\n\r"<>;:%]/;

const userName = z
  .string()
  .min(1, 'put the user name (the part before @ in the Entra user principal name, e.g. "NikkiWolf")')
  // Guide troubleshooting: a guest's UPN (x_domain.com#EXT#@tenant) is no address Identity Center accepts.
  .refine((value) => !value.includes('#EXT#'), { message: 'guest accounts (#EXT#) cannot federate as configured: the product creates member users; see README "Troubleshooting"', abort: true })
  .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-" only (it becomes the part before @)');

const personName = (what: string) =>
  z
    .string()
    .min(1, `put the ${what}; Identity Center requires it`)
    .refine((value) => !FORBIDDEN_NAME_CHARACTERS.test(value), {
      message: `remove tabs, line breaks and the characters " < > ; : % from the ${what}; Identity Center refuses them`,
    });

const userSchema = z.strictObject({
  userName,
  givenName: personName('given name'),
  familyName: personName('family name'),
  displayName: personName('display name'),
  department: personName('department (the ABAC attribute)'),
});

// IAM JSON policy element reference: Action or NotAction, Resource or NotResource, each a string or
// a list; "*" alone is valid. Condition maps an operator (optionally ForAnyValue:/ForAllValues:)
// to keys and values. Identity-based policies (a permission set's inline policy) take no Principal.
const stringOrList = (item: z.ZodString) => z.union([item, z.array(item).min(1)]);
const action = z.string().regex(/^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/, 'write actions as "service:Action" (wildcards * and ? allowed) or "*"');
const conditionValue = z.union([z.string(), z.number(), z.boolean()]);
const conditionSchema = z.record(
  z.string().regex(/^(ForAnyValue:|ForAllValues:)?[A-Za-z]+$/, 'use an IAM condition operator such as "StringEquals" or "ForAnyValue:StringLike"'),
  z.record(z.string().min(1), z.union([conditionValue, z.array(conditionValue).min(1)])),
);
const PRINCIPAL_REFUSED = 'an inline policy of a permission set is identity-based: IAM refuses Principal and NotPrincipal there; remove it (the assignment says who)';

const policyStatementSchema = z
  .strictObject({
    Sid: z.string().regex(/^[A-Za-z0-9]*$/, 'use letters and digits only in Sid').optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: stringOrList(action).optional(),
    NotAction: stringOrList(action).optional(),
    Resource: stringOrList(z.string().min(1)).optional(),
    NotResource: stringOrList(z.string().min(1)).optional(),
    Condition: conditionSchema.optional(),
    Principal: z.never({ message: PRINCIPAL_REFUSED }).optional(),
    NotPrincipal: z.never({ message: PRINCIPAL_REFUSED }).optional(),
  })
  .superRefine((statement, ctx) => {
    exactlyOne(statement, ['Action', 'NotAction'], ctx);
    exactlyOne(statement, ['Resource', 'NotResource'], ctx);
  });

// IAM names: policy names of [\w+=,.@-]; paths start and end with "/" (IAM user guide, "IAM identifiers").
const policyReferenceSchema = z.strictObject({
  name: z.string().regex(/^[\w+=,.@-]{1,128}$/, 'put the customer-managed policy name as it exists in every target account'),
  path: z.string().regex(/^\/([\w+=,.@-]+\/)*$/, 'start and end the path with "/", e.g. "/" or "/guards/"').default('/'),
});
const awsManagedPolicyName = z.string().regex(/^[\w+=,.@/-]+$/, 'put the AWS managed policy name, e.g. "AdministratorAccess"');
// Customer-managed policies and boundaries must exist with the same name and path in every target
// account, or provisioning fails (aws-ia/terraform-aws-permission-sets issue 55); the config names them only.
const permissionsBoundarySchema = z.union([
  z.strictObject({ awsManagedPolicy: awsManagedPolicyName }),
  z.strictObject({ customerManagedPolicy: policyReferenceSchema }),
], { message: 'give the boundary exactly one of awsManagedPolicy (a name) or customerManagedPolicy ({ name, path })' });

// IAM Identity Center quotas (user guide, "IAM Identity Center quotas", AWS account quotas): AWS
// managed and customer managed policies per permission set 20, not adjustable; one inline policy of
// at most 32,768 bytes and 10,240 non-whitespace characters. The 20 carries a footnote: IAM sets a
// quota of 10 managed policies per role, to be raised ("Managed policies attached to an IAM role", in
// Service Quotas) in each account the permission set is provisioned to. So 11 to 20 pass here and warn
// at synth (constructs/permission-set.ts): whether each target account's quota was raised, only IAM there knows.
export const MAX_MANAGED_POLICIES = 20;
export const IAM_MANAGED_POLICIES_PER_ROLE = 10;
export const MAX_INLINE_POLICY_CHARACTERS = 10_240;
export const MAX_INLINE_POLICY_BYTES = 32_768;
// Same page: "Number of provisioned permission sets allowed per AWS account", 500, adjustable (earlier
// copies of the page said 50, then 250). Warned at synth (stacks/aws-identity-center-stack.ts).
export const MAX_PROVISIONED_PERMISSION_SETS_PER_ACCOUNT = 500;

// sso-admin API reference, CreatePermissionSet, Description: length 1 to 700, pattern
// [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*. One problem per offending character, named by code point.
const PERMISSION_SET_DESCRIPTION_CHARACTER = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]$/;
const permissionSetDescription = z
  .string()
  .min(1, 'describe what the permission set grants')
  .max(700, 'use at most 700 characters (CreatePermissionSet)')
  .superRefine((description, ctx) => {
    Array.from(description).forEach((character, i) => {
      if (PERMISSION_SET_DESCRIPTION_CHARACTER.test(character)) return;
      const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      const shown = /[\p{White_Space}\p{C}]/u.test(character) ? codePoint : `${codePoint} "${character}"`;
      ctx.addIssue({ code: 'custom', message: `${shown} at position ${i + 1} is not a character CreatePermissionSet accepts in a description (tab, line breaks, printable ASCII, U+00A1 to U+00FF): replace it` });
    });
  });

const permissionSetSchema = z
  .strictObject({
    name: z.string().regex(PERMISSION_SET_NAME, 'use 1 to 32 characters from letters, digits and +=,.@_-'),
    description: permissionSetDescription,
    sessionDuration: z.enum(SESSION_DURATIONS, { message: `use one of ${SESSION_DURATIONS.join(', ')}` }),
    inlinePolicy: z.strictObject({ Version: z.literal('2012-10-17'), Statement: z.array(policyStatementSchema).min(1) }).optional(),
    awsManagedPolicies: z.array(awsManagedPolicyName).default([]),
    customerManagedPolicies: z.array(policyReferenceSchema).default([]),
    permissionsBoundary: permissionsBoundarySchema.optional(),
    // Where the access portal sends the user after sign-in (CreatePermissionSet RelayState, 1-240 characters).
    relayState: z.url('put a full URL, e.g. "https://console.aws.amazon.com/ec2/"').max(240).optional(),
  })
  .refine((ps) => ps.inlinePolicy !== undefined || ps.awsManagedPolicies.length + ps.customerManagedPolicies.length > 0, {
    message: 'give the permission set an inlinePolicy or at least one awsManagedPolicies or customerManagedPolicies entry',
  })
  .superRefine((ps, ctx) => {
    const managed = ps.awsManagedPolicies.length + ps.customerManagedPolicies.length;
    if (managed > MAX_MANAGED_POLICIES) {
      ctx.addIssue({ code: 'custom', message: `${managed} AWS-managed and customer-managed policies; Identity Center allows ${MAX_MANAGED_POLICIES} per permission set (IAM Identity Center quotas): merge some into a customer-managed policy or split the permission set` });
    }
    if (ps.inlinePolicy) checkInlinePolicySize(JSON.stringify(ps.inlinePolicy), ctx);
  });

// The synthesized policy is JSON.stringify's output (constructs/permission-set.ts), so that is what is measured.
function checkInlinePolicySize(policy: string, ctx: z.RefinementCtx): void {
  const characters = policy.replace(/\s/g, '').length;
  const bytes = Buffer.byteLength(policy, 'utf8');
  if (characters > MAX_INLINE_POLICY_CHARACTERS || bytes > MAX_INLINE_POLICY_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['inlinePolicy'],
      message: `${characters} characters without whitespace; Identity Center allows 10,240 (and 32,768 bytes) per inline policy (IAM Identity Center quotas): move statements into a customer-managed policy`,
    });
  }
}

const assignmentSchema = z.strictObject({
  user: userName,
  permissionSet: z.string().min(1, 'name a permission set from identityCenter.permissionSets'),
});

const accessControlAttributeSchema = z.strictObject({
  key: z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, 'use 1 to 128 letters, digits or _.:/=+-@'),
  // Where Identity Center reads the value when the SAML assertion does not pass it.
  identityStorePath: z.string().regex(/^[a-zA-Z.]+$/, 'use an identity store attribute path such as "enterprise.department"'),
});

// An AWS CLI profile name is written into `[profile <name>]` headers of the AWS config files (the rehearsal's,
// CI's) and into Terraform's provider and backend blocks, where a backend takes no escape (constructs/literal.ts).
// The characters IAM allows in names ([\w+=,.@-], "IAM identifiers"), which need no quoting in any of them;
// whitespace, brackets, quotes, line breaks, `$`, `%` and braces would each change what is written.
const awsProfileName = z
  .string()
  .min(1, 'put the AWS CLI profile name')
  .regex(/^[A-Za-z0-9._\-+@=,]+$/, 'use letters, digits and . _ - + @ = , only (an AWS CLI profile name, written into [profile …] headers of AWS config files and into Terraform provider and backend blocks)');

const awsInstanceSchema = z
  .strictObject({
    profile: awsProfileName,
    partition: z.enum(['aws', 'aws-us-gov'], { message: 'use "aws" or "aws-us-gov"' }),
    region: z.string().refine((r) => ALL_REGIONS.includes(r), {
      message: `use a region where Identity Center runs, e.g. us-east-1 or us-gov-west-1 (known: ${ALL_REGIONS.join(', ')})`,
    }),
  })
  .superRefine((instance, ctx) => {
    const regions: readonly string[] = REGIONS_BY_PARTITION[instance.partition];
    if (ALL_REGIONS.includes(instance.region) && !regions.includes(instance.region)) {
      ctx.addIssue({
        code: 'custom',
        path: ['region'],
        message: `${instance.region} is not in partition ${instance.partition}; use one of ${regions.join(', ')}`,
      });
    }
  });


// Identity Store API reference, CreateGroup, DisplayName: "Administrator and AWSAdministrators are
// reserved names and can't be used for users or groups." The page states no case rule; unverified
// whether another case passes, so any case is refused.
export const RESERVED_GROUP_NAMES = ['Administrator', 'AWSAdministrators'];
// Entra provisioning known issues: a group whose name has special characters cannot be filtered on,
// so it never syncs. unverified: the page names no list; these are the characters that break or
// change a SCIM filter value (" \ and the ones Identity Center refuses in names) plus & and '.
const UNFILTERABLE_GROUP_CHARACTERS = /[\t\n\r"\\<>;:%&']/;

// An Entra security group: direct members only, each a user of the config (cross-checked below).
const groupSchema = z.strictObject({
  displayName: z
    .string()
    .min(1, 'put the group name')
    .max(256, 'use at most 256 characters (Entra group displayName)')
    .refine((name) => !RESERVED_GROUP_NAMES.some((reserved) => reserved.toLowerCase() === name.toLowerCase()), {
      error: (issue) => `"${issue.input}" is reserved by the Identity Center identity store (${RESERVED_GROUP_NAMES.join(', ')}); rename the group`,
    })
    .refine((name) => !UNFILTERABLE_GROUP_CHARACTERS.test(name), {
      message: `remove the characters " \\ & ' < > ; : % and tabs or line breaks: Entra cannot filter on a group name that holds them, so the group would never sync`,
    }),
  description: z.string().min(1, 'describe who the group is for'),
  members: z.array(z.string().min(1)),
});

// 'current' is the account the profile resolves to; AWS account ids are 12 digits.
const ACCOUNT_TARGET = /^(current|\d{12})$/;
// AWS Organizations API reference, OrganizationalUnit Id and Root Id patterns.
const ORGANIZATIONAL_UNIT_ID = /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;

// A short name, so that `<instance>-access-<stack>` stays a plain stack id (cdktf), folder and state key.
const ACCESS_STACK = /^[a-z0-9][a-z0-9-]{0,19}$/;
const accessStackId = z.string().regex(ACCESS_STACK, 'use 1 to 20 lowercase letters, digits or "-", starting with a letter or digit (e.g. "workloads"): the entries go to the stack <instance>-access-<stack>');

/**
 * The stack that holds an access entry: `<instance>-access` (always there, its name as before) or,
 * for an entry with `stack`, `<instance>-access-<stack>`. Splitting keeps one plan fast at scale:
 * the aws provider refreshes each assignment with one ListAccountAssignments, at 20 calls a second.
 */
export const accessStackName = (instance: InstanceName, stack?: string) => `${instance}-access${stack === undefined ? '' : `-${stack}`}`;

const accessEntrySchema = z
  .strictObject({
    group: z.string().min(1).optional(),
    user: userName.optional(),
    permissionSet: z.string().min(1, 'name a permission set from identityCenter.permissionSets'),
    accounts: z.array(z.string().regex(ACCOUNT_TARGET, 'use "current" (the account the profile resolves to) or a 12-digit account id')).min(1).optional(),
    organizationalUnits: z.array(z.string().regex(ORGANIZATIONAL_UNIT_ID, 'use an OU id ("ou-…") or the root id ("r-…") as AWS Organizations shows it')).min(1).optional(),
    allAccounts: z.literal(true, { message: 'write allAccounts: true, or leave it out' }).optional(),
    stack: accessStackId.optional(),
  })
  .superRefine((entry, ctx) => {
    requireExactlyOne(entry, ['group', 'user'], ctx);
    requireExactlyOne(entry, ['accounts', 'organizationalUnits', 'allAccounts'], ctx);
  });

const identityCenterSchema = z
  .strictObject({
    permissionSets: z.array(permissionSetSchema).min(1),
    // Guide step 2.2: users created by hand in Identity Center (the rest arrive by SCIM).
    users: z.array(userName),
    assignments: z.array(assignmentSchema),
    accessControlAttributes: z.array(accessControlAttributeSchema),
    // Who gets which permission set on which accounts, per partition (checked against groups and users below).
    access: z.strictObject({ 'aws-commercial': z.array(accessEntrySchema), 'aws-govcloud': z.array(accessEntrySchema) }),
    // The access stacks beside <instance>-access, per partition, by the name entries give in `stack`. A declared
    // stack stays in the app while it is listed, with or without entries: removing its last entry and deploying
    // destroys what it holds. Remove a name only after that deploy (a stack that leaves the app keeps its state,
    // and nothing would ever plan its assignments' removal).
    accessStacks: z.strictObject({ 'aws-commercial': z.array(accessStackId), 'aws-govcloud': z.array(accessStackId) }),
  })
  .superRefine((ic, ctx) => {
    reportDuplicates(ic.permissionSets.map((ps) => ps.name), ['permissionSets'], 'permission set', ctx);
    reportDuplicates(ic.users, ['users'], 'user', ctx);
    reportDuplicates(ic.assignments.map((a) => `${a.user} → ${a.permissionSet}`), ['assignments'], 'assignment', ctx);
    reportDuplicates(ic.accessControlAttributes.map((a) => a.key), ['accessControlAttributes'], 'attribute key', ctx);
    const permissionSetNames = new Set(ic.permissionSets.map((ps) => ps.name));
    const userNames = new Set(ic.users);
    ic.assignments.forEach((a, i) => {
      if (!userNames.has(a.user)) {
        ctx.addIssue({ code: 'custom', path: ['assignments', i, 'user'], message: `"${a.user}" is not in identityCenter.users; add it there or fix the name` });
      }
      if (!permissionSetNames.has(a.permissionSet)) {
        ctx.addIssue({
          code: 'custom',
          path: ['assignments', i, 'permissionSet'],
          message: `"${a.permissionSet}" is not in identityCenter.permissionSets; use one of ${[...permissionSetNames].join(', ')}`,
        });
      }
    });
  });

// cdktf refuses whitespace and glob characters in a stack id; the name also becomes a folder
// (cdktf.out/stacks/<name>) and a state file or key, so keep it to one plain word.
const STACK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

const entraSchema = z
  .strictObject({
    nickname: z.string().min(1),
    shortName: z.string().regex(STACK_NAME, 'is not a valid stack name: start with a letter, then letters, digits, "-" or "_" (e.g. "azure-id")'),
    // azuread provider "environment": global (commercial) or usgovernment (GCC High); design.md §3.
    environment: z.enum(['global', 'usgovernment']),
    galleryTemplateName: z.string().min(1),
    // Guide steps 1.4 and 4.3.7: users assigned to each enterprise app.
    assignedUsers: z.array(userName).min(1, 'assign at least one user to the enterprise app (guide step 1.4); an app nobody is assigned to federates no one'),
    // Groups assigned to both apps: the provisioning scope is "assigned users and groups".
    assignedGroups: z.array(z.string().min(1)),
    abacClaim: z.strictObject({ name: z.url('put the full SAML attribute name (a URL)'), source: z.string().min(1) }),
  });

// azuread v3.7.0 group_role_management_policy_resource.go, activation_rules.maximum_duration:
// PT30M to PT23H30M in 30-minute steps, or P1D (the provider's list says P1D, not PT1D).
export const ACTIVATION_DURATIONS = ['PT30M', ...Array.from({ length: 23 }, (_, i) => [`PT${i + 1}H`, `PT${i + 1}H30M`]).flat(), 'P1D'];

// How long an eligibility lasts. azuread v3.7.0 takes any ISO 8601 `duration` for an eligibility
// (privileged_access_group_schedule.go), but this value is also the policy's eligible_assignment_rules
// expire_after, which group_role_management_policy_resource.go limits to these five; all are within the
// P365D a new group's policy allows (Microsoft Graph "List roleManagementPolicyAssignments", example 4:
// Expiration_Admin_Eligibility isExpirationRequired true, maximumDuration P365D), which matters because
// the eligibility is created before the policy is adopted (constructs/entra-pim.ts).
export const ELIGIBILITY_DURATIONS = ['P15D', 'P30D', 'P90D', 'P180D', 'P365D'] as const;

// One privileged group: who may activate membership, and the activation policy Entra enforces.
const privilegedGroupSchema = z.strictObject({
  group: z.string().min(1, 'name the privileged group (a group of groups[])'),
  // Eligible, not members: they activate membership for a while with `npm run elevate`.
  eligibleUsers: z.array(userName).min(1, 'make at least one user eligible'),
  // How long each eligibility lasts before it must be renewed (Entra requires eligibilities to expire
  // unless the policy allows permanent ones, and allows at most P365D by default). Changing it replaces
  // each eligibility (removed, then assigned again) rather than updating it in place.
  eligibilityDuration: z
    .string()
    .refine((d) => (ELIGIBILITY_DURATIONS as readonly string[]).includes(d), { message: `use ${ELIGIBILITY_DURATIONS.slice(0, -1).join(', ')} or ${ELIGIBILITY_DURATIONS.at(-1)} (azuread group_role_management_policy eligible_assignment_rules.expire_after)` })
    .default('P365D'),
  activation: z.strictObject({
    maximumDuration: z.string().refine((d) => ACTIVATION_DURATIONS.includes(d), { message: 'use PT30M to PT23H30M in 30-minute steps (e.g. PT1H30M), or P1D (azuread group_role_management_policy)' }),
    requireJustification: z.boolean(),
    requireMultifactorAuthentication: z.boolean(),
    // Approval is required when approvers are named: users and groups of this config, in one stage.
    approvers: z.strictObject({ users: z.array(userName).default([]), groups: z.array(z.string().min(1)).default([]) }).default({ users: [], groups: [] }),
  }),
});

const pimSchema = z.strictObject({ privilegedGroups: z.array(privilegedGroupSchema) });

// Where Terraform state and the federation's deploy records live (README "State").
const stateSchema = z.strictObject({
  backend: z.enum(['local', 's3'], { message: 'use "local" (a workstation) or "s3" (a team or CI)' }),
  s3: z.strictObject({
    // S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens.
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'use an S3 bucket name: 3-63 lowercase letters, digits, "." or "-"'),
    region: z.string().refine((r) => (REGIONS_BY_PARTITION.aws as readonly string[]).includes(r), { message: 'use a commercial region: the bucket lives in the aws-commercial account' }),
    profile: awsProfileName,
    keyPrefix: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'use a key prefix such as "entra-identity-center-federation"'),
  }),
});

export const INSTANCE_NAMES = ['aws-commercial', 'aws-govcloud'] as const;
export type InstanceName = (typeof INSTANCE_NAMES)[number];

export const configSchema = z
  .strictObject({
    aws: z.strictObject({ 'aws-commercial': awsInstanceSchema, 'aws-govcloud': awsInstanceSchema }),
    // The people of the guide; each is an Entra user, and Identity Center holds those it names.
    users: z.array(userSchema).min(1),
    // Entra security groups; Identity Center gets them by SCIM when they are in entra.assignedGroups.
    groups: z.array(groupSchema),
    identityCenter: identityCenterSchema,
    entra: entraSchema,
    // Just-in-time admin: PIM for Groups eligibility and activation policy (design.md §7, JIT).
    pim: pimSchema,
    state: stateSchema,
  })
  .superRefine((config, ctx) => {
    reportTokenMarkers(config, [], ctx);
    reportDuplicates(config.users.map((u) => u.userName), ['users'], 'user', ctx);
    reportCaseClashes(config.users.map((u) => u.userName), ctx);
    checkAbacClaim(config.entra.abacClaim, config.identityCenter.accessControlAttributes, ctx);
    const known = new Set(config.users.map((u) => u.userName));
    const reportUnknown = (names: string[], path: (string | number)[]) =>
      names.forEach((name, i) => {
        if (!known.has(name)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `"${name}" is not in users; add it there or fix the name` });
      });
    reportUnknown(config.identityCenter.users, ['identityCenter', 'users']);
    reportUnknown(config.entra.assignedUsers, ['entra', 'assignedUsers']);
    checkGroups(config, ctx);
    for (const name of INSTANCE_NAMES) checkAccess(config, name, ctx);
    checkPim(config, ctx);
    const expected: Record<InstanceName, Partition> = { 'aws-commercial': 'aws', 'aws-govcloud': 'aws-us-gov' };
    for (const name of INSTANCE_NAMES) {
      if (config.aws[name].partition !== expected[name]) {
        ctx.addIssue({ code: 'custom', path: ['aws', name, 'partition'], message: `${name} must use partition "${expected[name]}"` });
      }
    }
  });

export type AppConfig = z.infer<typeof configSchema>;
export type AwsInstanceConfig = AppConfig['aws'][InstanceName];
export type IdentityCenterConfig = AppConfig['identityCenter'];
export type PermissionSetConfig = IdentityCenterConfig['permissionSets'][number];
export type UserConfig = AppConfig['users'][number];
export type EntraConfig = AppConfig['entra'];
export type StateConfig = AppConfig['state'];
export type GroupConfig = AppConfig['groups'][number];
export type AccessEntry = IdentityCenterConfig['access'][InstanceName][number];
export type PrivilegedGroupConfig = AppConfig['pim']['privilegedGroups'][number];

type Config = z.infer<typeof configSchema>;
const issue = (ctx: z.RefinementCtx, path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

// Entra provisions direct members only (Entra docs, "How application provisioning works": nested
// groups are not provisioned), and Identity Center matches groups on displayName, which must be unique.
function checkGroups(config: Config, ctx: z.RefinementCtx): void {
  const userNames = new Set(config.users.map((u) => u.userName));
  const groupNames = config.groups.map((g) => g.displayName);
  groupNames.forEach((name, i) => {
    const first = groupNames.findIndex((other) => other.toLowerCase() === name.toLowerCase());
    if (first !== i) issue(ctx, ['groups', i, 'displayName'], `"${name}" clashes with "${groupNames[first]}": group display names are matched case-insensitively, so each must be unique; rename one`);
  });
  config.groups.forEach((group, g) =>
    group.members.forEach((member, m) => {
      if (groupNames.includes(member)) issue(ctx, ['groups', g, 'members', m], `"${member}" is a group; Entra provisions direct members only (nested groups are not provisioned): list its users here instead`);
      else if (!userNames.has(member)) issue(ctx, ['groups', g, 'members', m], `"${member}" is not in users; add it there or fix the name`);
    }),
  );
  reportDuplicates(config.entra.assignedGroups, ['entra', 'assignedGroups'], 'assigned group', ctx);
  config.entra.assignedGroups.forEach((name, i) => {
    if (!groupNames.includes(name)) issue(ctx, ['entra', 'assignedGroups', i], `"${name}" is not in groups; add it there or fix the name`);
  });
}

/**
 * PIM for Groups refuses dynamic and on-premises-synced groups (Microsoft Entra "Privileged Identity
 * Management for groups"); the groups this config creates are static cloud security groups
 * (constructs/entra-group.ts), so a privileged group must be one of them. An eligible user who is
 * also a standing member would never need to activate.
 */
function checkPim(config: Config, ctx: z.RefinementCtx): void {
  const userNames = new Set(config.users.map((u) => u.userName));
  const unknown = (names: string[], known: (name: string) => boolean, where: string, path: (string | number)[]) =>
    names.forEach((name, i) => known(name) || issue(ctx, [...path, i], `"${name}" is not in ${where}; add it there or fix the name`));
  config.pim.privilegedGroups.forEach((privileged, p) => {
    const path = ['pim', 'privilegedGroups', p];
    const group = config.groups.find((g) => g.displayName === privileged.group);
    if (!group) {
      issue(ctx, [...path, 'group'], `"${privileged.group}" is not in groups: a privileged group must be a static security group this config creates (PIM for Groups refuses dynamic and on-premises-synced groups)`);
    } else if (!config.entra.assignedGroups.includes(group.displayName)) {
      issue(ctx, [...path, 'group'], `"${group.displayName}" is not in entra.assignedGroups, so an activated membership would never be provisioned to Identity Center; add it there`);
    }
    unknown(privileged.eligibleUsers, (name) => userNames.has(name), 'users', [...path, 'eligibleUsers']);
    privileged.eligibleUsers.forEach((name, i) => {
      if (group?.members.includes(name)) issue(ctx, [...path, 'eligibleUsers', i], `"${name}" is also a direct member of ${group.displayName}, so she would never need to activate; remove her from groups[].members`);
    });
    const { approvers } = privileged.activation;
    unknown(approvers.users, (name) => userNames.has(name), 'users', [...path, 'activation', 'approvers', 'users']);
    unknown(approvers.groups, (name) => config.groups.some((g) => g.displayName === name), 'groups', [...path, 'activation', 'approvers', 'groups']);
  });
  reportDuplicates(config.pim.privilegedGroups.map((g) => g.group), ['pim', 'privilegedGroups'], 'privileged group', ctx);
}

/** Users that reach Identity Center: created by Terraform, or provisioned by SCIM alone or through an assigned group. */
function usersInIdentityCenter(config: Config): Set<string> {
  const assigned = config.groups.filter((g) => config.entra.assignedGroups.includes(g.displayName));
  return new Set([...config.identityCenter.users, ...config.entra.assignedUsers, ...assigned.flatMap((g) => g.members)]);
}

function checkAccess(config: Config, instance: InstanceName, ctx: z.RefinementCtx): void {
  const entries = config.identityCenter.access[instance];
  const path = ['identityCenter', 'access', instance];
  const permissionSetNames = config.identityCenter.permissionSets.map((ps) => ps.name);
  const userNames = new Set(config.users.map((u) => u.userName));
  const reachable = usersInIdentityCenter(config);
  entries.forEach((entry, i) => {
    if (!permissionSetNames.includes(entry.permissionSet)) {
      issue(ctx, [...path, i, 'permissionSet'], `"${entry.permissionSet}" is not in identityCenter.permissionSets; use one of ${permissionSetNames.join(', ')}`);
    }
    if (entry.group !== undefined) {
      if (!config.groups.some((g) => g.displayName === entry.group)) issue(ctx, [...path, i, 'group'], `"${entry.group}" is not in groups; add it there or fix the name`);
      else if (!config.entra.assignedGroups.includes(entry.group)) {
        issue(ctx, [...path, i, 'group'], `"${entry.group}" is not in entra.assignedGroups, so it would never be provisioned to Identity Center; add it there`);
      }
    }
    if (entry.user !== undefined) {
      if (!userNames.has(entry.user)) issue(ctx, [...path, i, 'user'], `"${entry.user}" is not in users; add it there or fix the name`);
      else if (!reachable.has(entry.user)) {
        issue(ctx, [...path, i, 'user'], `"${entry.user}" never reaches Identity Center: add it to identityCenter.users (created by Terraform), entra.assignedUsers or a member of an assigned group (provisioned by SCIM)`);
      }
    }
  });
  checkOneStackPerAssignment(entries, instance, path, ctx);
  checkDeclaredStacks(config, instance, ctx);
  checkBaseAssignmentOverlap(config, instance, ctx);
}

// Entries go only to declared stacks, so that a stack never leaves the app with its last entry (see accessStacks).
function checkDeclaredStacks(config: Config, instance: InstanceName, ctx: z.RefinementCtx): void {
  const declared = config.identityCenter.accessStacks[instance];
  reportDuplicates(declared, ['identityCenter', 'accessStacks', instance], 'access stack', ctx);
  config.identityCenter.access[instance].forEach((entry, i) => {
    // A malformed name has its own message already.
    if (entry.stack !== undefined && ACCESS_STACK.test(entry.stack) && !declared.includes(entry.stack)) {
      issue(ctx, ['identityCenter', 'access', instance, i, 'stack'], `"${entry.stack}" is not in identityCenter.accessStacks['${instance}']: add it there. A declared stack stays in the app until you remove it from that list, so removing its last entry and deploying destroys what it deployed`);
    }
  });
}

/**
 * The base stack's assignments (identityCenter.assignments) target the current account; an access entry for the same
 * user and permission set on "current" would be a second state managing the same assignment (the aws provider's
 * create refuses one that exists, and destroying either removes the other's). An explicit account id equal to the
 * current account is known only at plan time: the access stack checks it there (stacks/aws-access-stack.ts).
 */
function checkBaseAssignmentOverlap(config: Config, instance: InstanceName, ctx: z.RefinementCtx): void {
  config.identityCenter.access[instance].forEach((entry, i) => {
    const base = config.identityCenter.assignments.findIndex((a) => a.user === entry.user && a.permissionSet === entry.permissionSet);
    if (base < 0 || !entry.accounts?.includes('current')) return;
    issue(
      ctx,
      ['identityCenter', 'access', instance, i],
      `identityCenter.assignments.${base} and identityCenter.access['${instance}'].${i} both give user "${entry.user}" permission set "${entry.permissionSet}" on the current account: ` +
        `two states (${instance} and ${accessStackName(instance, entry.stack)}) would manage one assignment, and destroying either removes the other's; keep one of them`,
    );
  });
}

/**
 * A principal and permission set are one assignment resource per account (stacks/aws-access-stack.ts),
 * so their entries must share a stack: in two stacks, two states would manage the same assignment.
 * The aws provider's create refuses an assignment that already exists, and destroying either stack
 * deletes the assignment the other still holds.
 */
function checkOneStackPerAssignment(entries: AccessEntry[], instance: InstanceName, path: (string | number)[], ctx: z.RefinementCtx): void {
  const byAssignment = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    const key = `${entry.group !== undefined ? `group "${entry.group}"` : `user "${entry.user}"`} with permission set "${entry.permissionSet}"`;
    byAssignment.set(key, [...(byAssignment.get(key) ?? []), i]);
  });
  for (const [assignment, indexes] of byAssignment) {
    const stacks = new Set(indexes.map((i) => entries[i].stack));
    if (stacks.size < 2) continue;
    const where = indexes.map((i) => `entry ${i} in ${accessStackName(instance, entries[i].stack)}`).join(', ');
    issue(ctx, path, `${assignment} is in ${stacks.size} stacks: ${where}; two states would manage the same assignment (the aws provider refuses to create one that already exists, and destroying either stack removes the other's): give these entries the same stack`);
  }
}

/**
 * CDKTF replaces `${TfToken[…]}` (and its list and map forms) in any string by one of its tokens, so config
 * text holding one would deploy a reference instead of the text; every other character reaches Terraform
 * as written (constructs/literal.ts).
 */
function reportTokenMarkers(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value === 'string') {
    const marker = CDKTF_TOKEN_MARKER.exec(value)?.[0];
    if (marker) issue(ctx, path, `remove "${marker}": CDKTF reads it as one of its own tokens and would put a reference where the text was`);
  } else if (Array.isArray(value)) value.forEach((item, i) => reportTokenMarkers(item, [...path, i], ctx));
  else if (value && typeof value === 'object') {
    // Keys too: a policy Condition's keys are text of the policy.
    Object.entries(value).forEach(([key, item]) => {
      reportTokenMarkers(key, [...path, key], ctx);
      reportTokenMarkers(item, [...path, key], ctx);
    });
  }
}

function requireExactlyOne(entry: Record<string, unknown>, names: string[], ctx: z.RefinementCtx): void {
  if (names.filter((name) => entry[name] !== undefined).length !== 1) {
    ctx.addIssue({ code: 'custom', message: `give exactly one of ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` });
  }
}

function reportDuplicates(values: string[], path: (string | number)[], what: string, ctx: z.RefinementCtx): void {
  values.forEach((value, i) => {
    if (values.indexOf(value) !== i) {
      ctx.addIssue({ code: 'custom', path: [...path, i], message: `duplicate ${what} "${value}"; each must appear once` });
    }
  });
}

// Entra user principal names are case-insensitive: "RichRoe" and "richroe" are one user there.
function reportCaseClashes(names: string[], ctx: z.RefinementCtx): void {
  names.forEach((name, i) => {
    const first = names.findIndex((other) => other.toLowerCase() === name.toLowerCase());
    if (first !== i && names[first] !== name) {
      ctx.addIssue({ code: 'custom', path: ['users', i, 'userName'], message: `"${name}" differs from "${names[first]}" only in case; Entra user names are case-insensitive, so they clash: rename one` });
    }
  });
}

// Identity Center reads ABAC attributes from SAML attributes named AccessControl:<key> (guide step 5);
// the claim's source must be an attribute the product sets on each Entra user (constructs/entra-test-user.ts),
// by its claims-mapping id (Graph claimsMappingPolicy).
export const ABAC_CLAIM_PREFIX = 'https://aws.amazon.com/SAML/Attributes/AccessControl:';
export const CLAIM_SOURCES_SET_BY_PRODUCT = ['userprincipalname', 'displayname', 'givenname', 'surname', 'department', 'mailnickname'];

function checkAbacClaim(claim: { name: string; source: string }, attributes: { key: string }[], ctx: z.RefinementCtx): void {
  const keys = attributes.map((a) => a.key);
  if (!keys.some((key) => claim.name === `${ABAC_CLAIM_PREFIX}${key}`)) {
    const expected = keys.map((key) => `"${ABAC_CLAIM_PREFIX}${key}"`).join(' or ') || `"${ABAC_CLAIM_PREFIX}<key>" after adding the key to identityCenter.accessControlAttributes`;
    ctx.addIssue({ code: 'custom', path: ['entra', 'abacClaim', 'name'], message: `Identity Center ignores this claim: name it ${expected}` });
  }
  if (!CLAIM_SOURCES_SET_BY_PRODUCT.includes(claim.source)) {
    ctx.addIssue({ code: 'custom', path: ['entra', 'abacClaim', 'source'], message: `"${claim.source}" is no user attribute the product sets, so the claim would be empty; use one of ${CLAIM_SOURCES_SET_BY_PRODUCT.join(', ')}` });
  }
}

function exactlyOne(statement: Record<string, unknown>, names: [string, string], ctx: z.RefinementCtx): void {
  const present = names.filter((name) => statement[name] !== undefined);
  if (present.length !== 1) {
    ctx.addIssue({ code: 'custom', path: [names[0]], message: `give a statement exactly one of ${names.join(' or ')} (IAM JSON policy element reference)` });
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration in config.ts:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the hardcoded configuration once, before anything is synthesized or called. */
export function parseConfig(raw: unknown): AppConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${describe(issue)}`));
}

// An unknown key is refused rather than dropped: a misspelt "inlinepolicy" would otherwise deploy no policy.
function describe(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  return `unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}: fix its spelling or remove it (nothing in config.ts is ignored)`;
}
