import { rawConfig } from '../../config';

/**
 * Config text that Terraform would evaluate if it reached the synthesized JSON unescaped: a function
 * call that reads a file, template directives (and their literal form), an IAM policy variable and a
 * Terraform reference. Terraform language docs, "Strings and Templates": `${` and `%{` begin an
 * interpolation and a directive; `$${` and `%%{` are their literal forms.
 */
export const HOSTILE = {
  file: '${file("/etc/hostname")}',
  directive: '%{ if true }x%{ endif } %%{ if true }',
  policyVariable: '${aws:PrincipalTag/Department}',
  // Names refuse " : and %, so they get what those rules let through: a reference.
  reference: '${path.cwd}',
} as const;

export const ALL_HOSTILE = Object.values(HOSTILE).join(' ');
/** For names, which refuse the characters " : % (app-config/schema.ts). */
export const NAME_HOSTILE = `${HOSTILE.reference} $${HOSTILE.reference}`;

export const HOSTILE_GROUP = `Base ${NAME_HOSTILE}`;
export const HOSTILE_PRIVILEGED_GROUP = `Admins ${HOSTILE.reference}`;

/**
 * The shipped config with hostile text in every kind of config string that validation lets hold it:
 * user names shown to people, department, group names and descriptions (so also the PIM justification
 * and the access stacks' group lookups), a permission set's description, relay state and inline policy,
 * and the gallery template name. `extra` is added to the permission set's description (e.g. a file to read).
 */
export function hostileConfig(extra = ''): any {
  const c = structuredClone(rawConfig) as any;
  const rename = (from: string, to: string) => {
    const swap = (name: string) => (name === from ? to : name);
    for (const group of c.groups) group.displayName = swap(group.displayName);
    c.entra.assignedGroups = c.entra.assignedGroups.map(swap);
    for (const entries of Object.values(c.identityCenter.access) as any[]) for (const entry of entries) entry.group = swap(entry.group);
    for (const privileged of c.pim.privilegedGroups) privileged.group = swap(privileged.group);
  };
  rename('AWS-Base', HOSTILE_GROUP);
  rename('AWS-Admins', HOSTILE_PRIVILEGED_GROUP);
  c.groups[0].description = `Everyone ${ALL_HOSTILE}`;
  c.groups[1].description = `Admins ${ALL_HOSTILE}`;
  for (const user of c.users) {
    user.displayName = `${user.displayName} ${NAME_HOSTILE}`;
    user.givenName = `${user.givenName} ${HOSTILE.reference}`;
    user.familyName = `${user.familyName} ${NAME_HOSTILE}`;
    user.department = `Dept ${NAME_HOSTILE}`;
  }
  const [permissionSet] = c.identityCenter.permissionSets;
  permissionSet.description = `Regions ${ALL_HOSTILE}${extra}`;
  permissionSet.relayState = `https://console.aws.amazon.com/account/${HOSTILE.file}/${HOSTILE.directive}`;
  permissionSet.inlinePolicy.Statement.push({
    Sid: 'OwnDepartment',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::reports/${HOSTILE.policyVariable}/*`,
    Condition: { StringEquals: { 'aws:ResourceTag/Department': HOSTILE.policyVariable, 'aws:ResourceTag/Note': `${HOSTILE.file} ${HOSTILE.directive} $${HOSTILE.policyVariable}` } },
  });
  c.entra.galleryTemplateName = `AWS IAM Identity Center ${ALL_HOSTILE}`;
  return c;
}
