/** The config's `pim` section: just-in-time admin by PIM for Groups. */
import { z } from 'zod';
import { Config, issue, reportDuplicates } from './common';
import { userName } from './users';

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
  group: z.string().min(1, 'name the privileged group (a group of groups[])').describe('A group of groups[] in entra.assignedGroups whose membership is activated just in time.'),
  // Eligible, not members: they activate membership for a while with `npm run elevate`.
  eligibleUsers: z.array(userName).min(1, 'make at least one user eligible').describe('Users of users[] who may activate membership with npm run elevate; not direct members.'),
  // How long each eligibility lasts before it must be renewed (Entra requires eligibilities to expire
  // unless the policy allows permanent ones, and allows at most P365D by default). Changing it replaces
  // each eligibility (removed, then assigned again) rather than updating it in place.
  eligibilityDuration: z
    .string()
    .refine((d) => (ELIGIBILITY_DURATIONS as readonly string[]).includes(d), { message: `use ${ELIGIBILITY_DURATIONS.slice(0, -1).join(', ')} or ${ELIGIBILITY_DURATIONS.at(-1)} (azuread group_role_management_policy eligible_assignment_rules.expire_after)` })
    .default('P365D')
    .describe('How long an eligibility lasts before renewal: P15D, P30D, P90D, P180D or P365D; a change replaces each eligibility.'),
  activation: z
    .strictObject({
      maximumDuration: z
        .string()
        .refine((d) => ACTIVATION_DURATIONS.includes(d), { message: 'use PT30M to PT23H30M in 30-minute steps (e.g. PT1H30M), or P1D (azuread group_role_management_policy)' })
        .describe('The longest activation: PT30M to PT23H30M in 30-minute steps, or P1D.'),
      requireJustification: z.boolean().describe('Whether an activation needs a justification.'),
      requireMultifactorAuthentication: z.boolean().describe('Whether an activation needs multifactor authentication.'),
      // Approval is required when approvers are named: users and groups of this config, in one stage.
      approvers: z
        .strictObject({
          users: z.array(userName).default([]).describe('Users of users[] who approve.'),
          groups: z.array(z.string().min(1)).default([]).describe('Groups of groups[] whose members approve.'),
        })
        .default({ users: [], groups: [] })
        .describe('Who approves an activation, in one stage; none named means self-activation.'),
    })
    .describe('The activation policy Entra enforces.'),
});

export const pimSchema = z.strictObject({ privilegedGroups: z.array(privilegedGroupSchema).describe('The privileged groups and who may activate their membership.') });

/**
 * PIM for Groups refuses dynamic and on-premises-synced groups (Microsoft Entra "Privileged Identity
 * Management for groups"); the groups this config creates are static cloud security groups
 * (constructs/entra-group.ts), so a privileged group must be one of them. An eligible user who is
 * also a standing member would never need to activate.
 */
export function checkPim(config: Config, ctx: z.RefinementCtx): void {
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
