/**
 * The config schema (config.ts is validated by it), one file per section under app-config/sections/;
 * this file puts them together, runs the checks that span sections, and exports the public names.
 */
import { z } from 'zod';
import { reportDuplicates, reportTokenMarkers } from './sections/common';
import { awsInstanceSchema, INSTANCE_NAMES, InstanceName, Partition } from './sections/instances';
import { reportCaseClashes, userSchema } from './sections/users';
import { identityCenterSchema } from './sections/identity-center';
import { checkAccess } from './sections/access';
import { checkGroups, groupSchema } from './sections/groups';
import { checkAbacClaim, entraSchema } from './sections/entra';
import { checkPim, pimSchema } from './sections/pim';
import { stateSchema } from './sections/state';

export { INSTANCE_NAMES, REGIONS_BY_PARTITION } from './sections/instances';
export type { InstanceName, Partition } from './sections/instances';
export { IAM_MANAGED_POLICIES_PER_ROLE, MAX_INLINE_POLICY_BYTES, MAX_INLINE_POLICY_CHARACTERS, MAX_MANAGED_POLICIES, MAX_PROVISIONED_PERMISSION_SETS_PER_ACCOUNT } from './sections/permission-sets';
export { accessStackName } from './sections/access';
export { RESERVED_GROUP_NAMES } from './sections/groups';
export { ABAC_CLAIM_PREFIX, CLAIM_SOURCES_SET_BY_PRODUCT } from './sections/entra';
export { ACTIVATION_DURATIONS, ELIGIBILITY_DURATIONS } from './sections/pim';

export const configSchema = z
  .strictObject({
    aws: z
      .strictObject({
        'aws-commercial': awsInstanceSchema.describe('The Identity Center instance of the commercial partition.'),
        'aws-govcloud': awsInstanceSchema.describe('The Identity Center instance of the GovCloud (US) partition.'),
      })
      .describe('One Identity Center instance per partition: its AWS CLI profile, partition and region.'),
    // The people of the guide; each is an Entra user, and Identity Center holds those it names.
    users: z.array(userSchema).min(1).describe('The people: each an Entra user; Identity Center holds those the other sections name.'),
    // Entra security groups; Identity Center gets them by SCIM when they are in entra.assignedGroups.
    groups: z.array(groupSchema).describe('Entra security groups; Identity Center gets them by SCIM when they are in entra.assignedGroups.'),
    identityCenter: identityCenterSchema.describe('Permission sets, users, assignments, ABAC attributes and access, the same in both partitions but for access.'),
    entra: entraSchema.describe('The Entra side: its stack, the enterprise apps and who is assigned to them.'),
    // Just-in-time admin: PIM for Groups eligibility and activation policy (docs/decisions/0005-just-in-time-admin-with-pim-for-groups.md).
    pim: pimSchema.describe('Just-in-time admin: PIM for Groups eligibility and activation policy.'),
    state: stateSchema.describe('Where Terraform state and the federation\'s deploy records live.'),
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

