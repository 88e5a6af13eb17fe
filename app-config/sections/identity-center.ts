/** The config's `identityCenter` section: permission sets, the users Terraform creates, their assignments, ABAC attributes and access. */
import { z } from 'zod';
import { reportDuplicates } from './common';
import { accessEntrySchema, accessStackId } from './access';
import { permissionSetSchema } from './permission-sets';
import { userName } from './users';

const assignmentSchema = z.strictObject({
  user: userName.describe('A user of identityCenter.users.'),
  permissionSet: z.string().min(1, 'name a permission set from identityCenter.permissionSets').describe('A permission set of identityCenter.permissionSets, by name.'),
});

const accessControlAttributeSchema = z.strictObject({
  key: z.string().regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, 'use 1 to 128 letters, digits or _.:/=+-@').describe('The attribute key policies read as aws:PrincipalTag/<key>; the SAML attribute AccessControl:<key> passes it.'),
  // Where Identity Center reads the value when the SAML assertion does not pass it.
  identityStorePath: z.string().regex(/^[a-zA-Z.]+$/, 'use an identity store attribute path such as "enterprise.department"').describe('Where Identity Center reads the value when the assertion does not pass it, e.g. "enterprise.department".'),
});

export const identityCenterSchema = z
  .strictObject({
    permissionSets: z.array(permissionSetSchema).min(1).describe('The permission sets, created in both partitions by their base stacks.'),
    // Guide step 2.2: users created by hand in Identity Center (the rest arrive by SCIM).
    users: z.array(userName).describe('Users of users[] that Terraform creates in Identity Center (the rest arrive by SCIM).'),
    assignments: z.array(assignmentSchema).describe("Permission sets of identityCenter.users on the account the profile resolves to, in each partition's base stack."),
    accessControlAttributes: z.array(accessControlAttributeSchema).describe('Attributes for access control (ABAC).'),
    // Who gets which permission set on which accounts, per partition (checked against groups and users below).
    access: z
      .strictObject({
        'aws-commercial': z.array(accessEntrySchema).describe('Access entries of the aws-commercial partition.'),
        'aws-govcloud': z.array(accessEntrySchema).describe('Access entries of the aws-govcloud partition.'),
      })
      .describe('Who gets which permission set on which accounts, per partition, applied by the access stacks after azure-id.'),
    // The access stacks beside <instance>-access, per partition, by the name entries give in `stack`. A declared
    // stack stays in the app while it is listed, with or without entries: removing its last entry and deploying
    // destroys what it holds. Remove a name only after that deploy (a stack that leaves the app keeps its state,
    // and nothing would ever plan its assignments' removal).
    accessStacks: z
      .strictObject({
        'aws-commercial': z.array(accessStackId).describe('Access stacks of aws-commercial beside aws-commercial-access.'),
        'aws-govcloud': z.array(accessStackId).describe('Access stacks of aws-govcloud beside aws-govcloud-access.'),
      })
      .describe('The access stacks <instance>-access-<stack> per partition; one stays in the app while listed, so remove a name only after the deploy that emptied it.'),
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
