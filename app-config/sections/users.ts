/** The config's `users` section: the people, each an Entra user, and the user name rules every section that names a user shares. */
import { z } from 'zod';

// Characters Identity Center's SCIM and identity store refuse in names (tutorial, "Considerations").
const FORBIDDEN_NAME_CHARACTERS = /[\t\n\r"<>;:%]/;

export const userName = z
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

export const userSchema = z.strictObject({
  userName: userName.describe('The part before @ of the Entra user principal name (<userName>@<tenant default domain>); the Identity Center user name too.'),
  givenName: personName('given name').describe('Given name, in Entra and Identity Center.'),
  familyName: personName('family name').describe('Family name, in Entra and Identity Center.'),
  displayName: personName('display name').describe('Display name, in Entra and Identity Center.'),
  department: personName('department (the ABAC attribute)').describe('Department: set on the Entra user and passed in the SAML assertion as the ABAC attribute (entra.abacClaim).'),
});

// Entra user principal names are case-insensitive: "RichRoe" and "richroe" are one user there.
export function reportCaseClashes(names: string[], ctx: z.RefinementCtx): void {
  names.forEach((name, i) => {
    const first = names.findIndex((other) => other.toLowerCase() === name.toLowerCase());
    if (first !== i && names[first] !== name) {
      ctx.addIssue({ code: 'custom', path: ['users', i, 'userName'], message: `"${name}" differs from "${names[first]}" only in case; Entra user names are case-insensitive, so they clash: rename one` });
    }
  });
}
