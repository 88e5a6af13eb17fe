/** The config's `entra` section: the enterprise apps, who is assigned to them, and the ABAC claim. */
import { z } from 'zod';
import { userName } from './users';

// cdktf refuses whitespace and glob characters in a stack id; the name also becomes a folder
// (cdktf.out/stacks/<name>) and a state file or key, so keep it to one plain word.
const STACK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const entraSchema = z
  .strictObject({
    nickname: z.string().min(1).describe('A longer name of the Entra side.'),
    shortName: z
      .string()
      .regex(STACK_NAME, 'is not a valid stack name: start with a letter, then letters, digits, "-" or "_" (e.g. "azure-id")')
      .describe('The Entra stack\'s name (a cdktf stack id, folder and state key).'),
    // azuread provider "environment": global (commercial) or usgovernment (GCC High); the provider's docs, Argument Reference.
    environment: z.enum(['global', 'usgovernment']).describe('The azuread provider environment: "global" (commercial) or "usgovernment" (GCC High).'),
    galleryTemplateName: z.string().min(1).describe('The Entra gallery application the enterprise apps are made from, by display name.'),
    // Guide steps 1.4 and 4.3.7: users assigned to each enterprise app.
    assignedUsers: z
      .array(userName)
      .min(1, 'assign at least one user to the enterprise app (guide step 1.4); an app nobody is assigned to federates no one')
      .describe('Users of users[] assigned to each enterprise app, and so provisioned by SCIM.'),
    // Groups assigned to both apps: the provisioning scope is "assigned users and groups".
    assignedGroups: z.array(z.string().min(1)).describe('Groups of groups[] assigned to both apps, and so provisioned by SCIM with their members.'),
    abacClaim: z
      .strictObject({
        name: z.url('put the full SAML attribute name (a URL)').describe('The SAML attribute name: https://aws.amazon.com/SAML/Attributes/AccessControl:<key> of an accessControlAttributes key.'),
        source: z.string().min(1).describe('The Entra user attribute it carries, one the product sets (e.g. "department").'),
      })
      .describe('The SAML claim that passes an ABAC attribute to Identity Center.'),
  });

// Identity Center reads ABAC attributes from SAML attributes named AccessControl:<key> (guide step 5);
// the claim's source must be an attribute the product sets on each Entra user (constructs/entra-test-user.ts),
// by its claims-mapping id (Graph claimsMappingPolicy).
export const ABAC_CLAIM_PREFIX = 'https://aws.amazon.com/SAML/Attributes/AccessControl:';
export const CLAIM_SOURCES_SET_BY_PRODUCT = ['userprincipalname', 'displayname', 'givenname', 'surname', 'department', 'mailnickname'];

export function checkAbacClaim(claim: { name: string; source: string }, attributes: { key: string }[], ctx: z.RefinementCtx): void {
  const keys = attributes.map((a) => a.key);
  if (!keys.some((key) => claim.name === `${ABAC_CLAIM_PREFIX}${key}`)) {
    const expected = keys.map((key) => `"${ABAC_CLAIM_PREFIX}${key}"`).join(' or ') || `"${ABAC_CLAIM_PREFIX}<key>" after adding the key to identityCenter.accessControlAttributes`;
    ctx.addIssue({ code: 'custom', path: ['entra', 'abacClaim', 'name'], message: `Identity Center ignores this claim: name it ${expected}` });
  }
  if (!CLAIM_SOURCES_SET_BY_PRODUCT.includes(claim.source)) {
    ctx.addIssue({ code: 'custom', path: ['entra', 'abacClaim', 'source'], message: `"${claim.source}" is no user attribute the product sets, so the claim would be empty; use one of ${CLAIM_SOURCES_SET_BY_PRODUCT.join(', ')}` });
  }
}
