/** identityCenter.access and identityCenter.accessStacks: who gets which permission set on which accounts, in which access stack. */
import { z } from 'zod';
import type { AccessEntry } from '../schema';
import { Config, issue, reportDuplicates, requireExactlyOne } from './common';
import { InstanceName } from './instances';
import { userName } from './users';

// 'current' is the account the profile resolves to; AWS account ids are 12 digits.
const ACCOUNT_TARGET = /^(current|\d{12})$/;
// AWS Organizations API reference, OrganizationalUnit Id and Root Id patterns.
const ORGANIZATIONAL_UNIT_ID = /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;

// A short name, so that `<instance>-access-<stack>` stays a plain stack id (cdktf), folder and state key.
const ACCESS_STACK = /^[a-z0-9][a-z0-9-]{0,19}$/;
export const accessStackId = z.string().regex(ACCESS_STACK, 'use 1 to 20 lowercase letters, digits or "-", starting with a letter or digit (e.g. "workloads"): the entries go to the stack <instance>-access-<stack>');

/**
 * The stack that holds an access entry: `<instance>-access` (always there, its name as before) or,
 * for an entry with `stack`, `<instance>-access-<stack>`. Splitting keeps one plan fast at scale:
 * the aws provider refreshes each assignment with one ListAccountAssignments, at 20 calls a second.
 */
export const accessStackName = (instance: InstanceName, stack?: string) => `${instance}-access${stack === undefined ? '' : `-${stack}`}`;

export const accessEntrySchema = z
  .strictObject({
    group: z.string().min(1).optional().describe('A group of groups[] in entra.assignedGroups; exactly one of group and user.'),
    user: userName.optional().describe('A user of users[] who reaches Identity Center; exactly one of group and user.'),
    permissionSet: z.string().min(1, 'name a permission set from identityCenter.permissionSets').describe('A permission set of identityCenter.permissionSets, by name.'),
    accounts: z
      .array(z.string().regex(ACCOUNT_TARGET, 'use "current" (the account the profile resolves to) or a 12-digit account id'))
      .min(1)
      .optional()
      .describe('Target accounts: "current" (the account the profile resolves to) or 12-digit ids; exactly one of accounts, organizationalUnits and allAccounts.'),
    organizationalUnits: z
      .array(z.string().regex(ORGANIZATIONAL_UNIT_ID, 'use an OU id ("ou-…") or the root id ("r-…") as AWS Organizations shows it'))
      .min(1)
      .optional()
      .describe('Target OUs ("ou-…") or the root ("r-…"), expanded at plan time to their ACTIVE descendant accounts, without the management account.'),
    allAccounts: z.literal(true, { message: 'write allAccounts: true, or leave it out' }).optional().describe("true: every ACTIVE account of the Organization but the management account."),
    stack: accessStackId.optional().describe('The access stack <instance>-access-<stack> that holds the entry, declared in identityCenter.accessStacks; absent: <instance>-access.'),
  })
  .superRefine((entry, ctx) => {
    requireExactlyOne(entry, ['group', 'user'], ctx);
    requireExactlyOne(entry, ['accounts', 'organizationalUnits', 'allAccounts'], ctx);
  });

/** Users that reach Identity Center: created by Terraform, or provisioned by SCIM alone or through an assigned group. */
function usersInIdentityCenter(config: Config): Set<string> {
  const assigned = config.groups.filter((g) => config.entra.assignedGroups.includes(g.displayName));
  return new Set([...config.identityCenter.users, ...config.entra.assignedUsers, ...assigned.flatMap((g) => g.members)]);
}

export function checkAccess(config: Config, instance: InstanceName, ctx: z.RefinementCtx): void {
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
