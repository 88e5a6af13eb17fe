/** identityCenter.permissionSets: names, sessions, policies and their IAM Identity Center quotas. */
import { z } from 'zod';

// Identity Center limits: permission set names are 1-32 of [\w+=,.@-]; sessions PT1H to PT12H.
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
const SESSION_DURATIONS = Array.from({ length: 12 }, (_, i) => `PT${i + 1}H`);

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
    Sid: z.string().regex(/^[A-Za-z0-9]*$/, 'use letters and digits only in Sid').optional().describe('Statement id: letters and digits.'),
    Effect: z.enum(['Allow', 'Deny']).describe('Allow or Deny.'),
    Action: stringOrList(action).optional().describe('"service:Action" (wildcards * and ?) or "*"; exactly one of Action and NotAction.'),
    NotAction: stringOrList(action).optional().describe('Every action but these; exactly one of Action and NotAction.'),
    Resource: stringOrList(z.string().min(1)).optional().describe('Resource ARNs or "*"; exactly one of Resource and NotResource.'),
    NotResource: stringOrList(z.string().min(1)).optional().describe('Every resource but these; exactly one of Resource and NotResource.'),
    Condition: conditionSchema.optional().describe('IAM condition operator (optionally ForAnyValue: or ForAllValues:) → condition key → value or values.'),
    Principal: z.never({ message: PRINCIPAL_REFUSED }).optional().describe('Refused: an inline policy of a permission set is identity-based.'),
    NotPrincipal: z.never({ message: PRINCIPAL_REFUSED }).optional().describe('Refused: an inline policy of a permission set is identity-based.'),
  })
  .superRefine((statement, ctx) => {
    exactlyOne(statement, ['Action', 'NotAction'], ctx);
    exactlyOne(statement, ['Resource', 'NotResource'], ctx);
  });

// IAM names: policy names of [\w+=,.@-]; paths start and end with "/" (IAM user guide, "IAM identifiers").
const policyReferenceSchema = z.strictObject({
  name: z.string().regex(/^[\w+=,.@-]{1,128}$/, 'put the customer-managed policy name as it exists in every target account').describe('The policy name, the same in every account the permission set is provisioned to.'),
  path: z.string().regex(/^\/([\w+=,.@-]+\/)*$/, 'start and end the path with "/", e.g. "/" or "/guards/"').default('/').describe('The IAM path of the policy, starting and ending with "/".'),
});
const awsManagedPolicyName = z.string().regex(/^[\w+=,.@/-]+$/, 'put the AWS managed policy name, e.g. "AdministratorAccess"');
// Customer-managed policies and boundaries must exist with the same name and path in every target
// account, or provisioning fails (aws-ia/terraform-aws-permission-sets issue 55); the config names them only.
const permissionsBoundarySchema = z.union([
  z.strictObject({ awsManagedPolicy: awsManagedPolicyName.describe('An AWS managed policy as the boundary, by name.') }),
  z.strictObject({ customerManagedPolicy: policyReferenceSchema.describe('A customer managed policy as the boundary, by name and path.') }),
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

export const permissionSetSchema = z
  .strictObject({
    name: z.string().regex(PERMISSION_SET_NAME, 'use 1 to 32 characters from letters, digits and +=,.@_-').describe('The permission set name: 1 to 32 letters, digits or +=,.@_-.'),
    description: permissionSetDescription.describe('What the permission set grants: 1 to 700 characters CreatePermissionSet accepts.'),
    sessionDuration: z.enum(SESSION_DURATIONS, { message: `use one of ${SESSION_DURATIONS.join(', ')}` }).describe('How long a session lasts: PT1H to PT12H.'),
    inlinePolicy: z
      .strictObject({
        Version: z.literal('2012-10-17').describe('The IAM policy language version.'),
        Statement: z.array(policyStatementSchema).min(1).describe('The statements, at least one.'),
      })
      .optional()
      .describe('An inline IAM policy (identity-based): at most 10,240 characters without whitespace.'),
    awsManagedPolicies: z.array(awsManagedPolicyName).default([]).describe('AWS managed policies by name (e.g. "AdministratorAccess"); with customerManagedPolicies at most 20, over 10 warns.'),
    customerManagedPolicies: z.array(policyReferenceSchema).default([]).describe('Customer managed policies, which must exist with this name and path in every target account.'),
    permissionsBoundary: permissionsBoundarySchema.optional().describe('A permissions boundary: exactly one of awsManagedPolicy or customerManagedPolicy.'),
    // Where the access portal sends the user after sign-in (CreatePermissionSet RelayState, 1-240 characters).
    relayState: z.url('put a full URL, e.g. "https://console.aws.amazon.com/ec2/"').max(240).optional().describe('Where the access portal sends the user after sign-in: a full URL, at most 240 characters.'),
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

function exactlyOne(statement: Record<string, unknown>, names: [string, string], ctx: z.RefinementCtx): void {
  const present = names.filter((name) => statement[name] !== undefined);
  if (present.length !== 1) {
    ctx.addIssue({ code: 'custom', path: [names[0]], message: `give a statement exactly one of ${names.join(' or ')} (IAM JSON policy element reference)` });
  }
}
