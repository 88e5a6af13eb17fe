/** The config's `groups` section: Entra security groups, provisioned to Identity Center by SCIM when assigned. */
import { z } from 'zod';
import { Config, issue, reportDuplicates } from './common';

// Identity Store API reference, CreateGroup, DisplayName: "Administrator and AWSAdministrators are
// reserved names and can't be used for users or groups." The page states no case rule; unverified
// whether another case passes, so any case is refused.
export const RESERVED_GROUP_NAMES = ['Administrator', 'AWSAdministrators'];
// Entra provisioning known issues: a group whose name has special characters cannot be filtered on,
// so it never syncs. unverified: the page names no list; these are the characters that break or
// change a SCIM filter value (" \ and the ones Identity Center refuses in names) plus & and '.
const UNFILTERABLE_GROUP_CHARACTERS = /[\t\n\r"\\<>;:%&']/;

// An Entra security group: direct members only, each a user of the config (cross-checked below).
export const groupSchema = z.strictObject({
  displayName: z
    .string()
    .min(1, 'put the group name')
    .max(256, 'use at most 256 characters (Entra group displayName)')
    .refine((name) => !RESERVED_GROUP_NAMES.some((reserved) => reserved.toLowerCase() === name.toLowerCase()), {
      error: (issue) => `"${issue.input}" is reserved by the Identity Center identity store (${RESERVED_GROUP_NAMES.join(', ')}); rename the group`,
    })
    .refine((name) => !UNFILTERABLE_GROUP_CHARACTERS.test(name), {
      message: `remove the characters " \\ & ' < > ; : % and tabs or line breaks: Entra cannot filter on a group name that holds them, so the group would never sync`,
    })
    .describe('The group name in Entra and Identity Center (matched by name, case-insensitively unique).'),
  description: z.string().min(1, 'describe who the group is for').describe('Who the group is for.'),
  members: z.array(z.string().min(1)).describe('Direct members, users of users[] (Entra does not provision nested groups).'),
});

// Entra provisions direct members only (Entra docs, "How application provisioning works": nested
// groups are not provisioned), and Identity Center matches groups on displayName, which must be unique.
export function checkGroups(config: Config, ctx: z.RefinementCtx): void {
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
