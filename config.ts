/**
 * The product's configuration: hardcoded on purpose (the user asked for hardcoded profiles and names
 * over variables). Credentials never live here: AWS profiles, `az login` and CI's OIDC supply them.
 * Validated once by `loadConfig()` before anything is synthesized or called.
 */
import { AppConfig, parseConfig } from './app-config/schema';

export const rawConfig = {
  aws: {
    'aws-commercial': { profile: 'aws-commercial', partition: 'aws', region: 'us-east-1' },
    'aws-govcloud': { profile: 'aws-govcloud', partition: 'aws-us-gov', region: 'us-gov-west-1' },
  },

  // Guide steps 1.2 and 4.1. The user principal name is `<userName>@<tenant default domain>`;
  // the domain is read from the tenant, never written here.
  users: [
    { userName: 'NikkiWolf', givenName: 'Nikki', familyName: 'Wolf', displayName: 'Nikki Wolf', department: 'Operations' },
    { userName: 'RichRoe', givenName: 'Richard', familyName: 'Roe', displayName: 'Richard Roe', department: 'Engineering' },
  ],

  // Seed 001's shape: an always-on group (everyone, little access) and an admin group, owned by Entra
  // and provisioned to Identity Center by SCIM. Direct members only: Entra does not provision nested groups.
  groups: [
    { displayName: 'AWS-Base', description: 'Everyone who signs in to AWS: view-only access', members: ['NikkiWolf', 'RichRoe'] },
    // No standing members: administrators are eligible through PIM (pim below) and activate for a while.
    { displayName: 'AWS-Admins', description: 'Administrators of the AWS accounts, by just-in-time activation (PIM)', members: [] },
  ],

  identityCenter: {
    permissionSets: [
      {
        // Guide step 2.1.
        name: 'RegionalAdmin',
        description: 'Manage AWS Regions from the Account page (guide step 2.1)',
        sessionDuration: 'PT1H',
        inlinePolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Statement1',
              Effect: 'Allow',
              Action: ['account:ListRegions', 'account:GetRegionOptStatus', 'account:DisableRegion', 'account:EnableRegion'],
              Resource: ['*'],
            },
          ],
        },
      },
      {
        // Guide "Assign access to AWS accounts": the predefined AdministratorAccess permission set.
        name: 'AdministratorAccess',
        description: 'Full administrator access to the management account (guide: Assign access to AWS accounts)',
        sessionDuration: 'PT1H',
        awsManagedPolicies: ['AdministratorAccess'],
      },
      {
        // The always-on group's access; the AWS managed job-function policy ViewOnlyAccess.
        name: 'BaseViewOnly',
        description: 'View-only access for everyone in AWS-Base',
        sessionDuration: 'PT4H',
        awsManagedPolicies: ['job-function/ViewOnlyAccess'],
      },
    ],
    // Guide step 2.2: NikkiWolf is created by hand in Identity Center; RichRoe arrives by SCIM.
    users: ['NikkiWolf'],
    // Assignments target the account the profile resolves to: the Organization's management account.
    assignments: [
      { user: 'NikkiWolf', permissionSet: 'RegionalAdmin' }, // guide step 2.3
      { user: 'NikkiWolf', permissionSet: 'AdministratorAccess' }, // guide: Assign access to AWS accounts
    ],
    // Guide step 5: attributes for access control.
    accessControlAttributes: [{ key: 'Department', identityStorePath: 'enterprise.department' }],
    // Group access per partition, applied by the <instance>-access stacks after azure-id has provisioned
    // the groups. Targets: accounts ('current' = the account the profile resolves to, or 12-digit ids),
    // organizationalUnits (ou-… or r-…, expanded to ACTIVE descendant accounts at plan time, without the
    // management account) or allAccounts: true. Hardcode your own Organization's OUs here.
    // At scale, split the entries over more stacks so that each plan stays fast: `stack: 'workloads'`
    // puts an entry in the stack <instance>-access-workloads, declared in accessStacks below; entries
    // without `stack` stay in <instance>-access. All entries of one principal and permission set must
    // share a stack (docs/access-stacks.md), e.g.
    //   { group: 'AWS-Admins', permissionSet: 'AdministratorAccess', organizationalUnits: ['ou-…'], stack: 'admin' },
    access: {
      'aws-commercial': [
        { group: 'AWS-Base', permissionSet: 'BaseViewOnly', accounts: ['current'] },
        { group: 'AWS-Admins', permissionSet: 'AdministratorAccess', accounts: ['current'] },
      ],
      'aws-govcloud': [
        { group: 'AWS-Base', permissionSet: 'BaseViewOnly', accounts: ['current'] },
        { group: 'AWS-Admins', permissionSet: 'AdministratorAccess', accounts: ['current'] },
      ],
    },
    // The split access stacks per partition (e.g. 'admin' for <instance>-access-admin). A listed stack stays
    // in the app even without entries, so removing its last entry and deploying destroys its assignments;
    // remove a name only after that deploy (docs/access-stacks.md, "Removing access").
    accessStacks: { 'aws-commercial': [], 'aws-govcloud': [] },
  },

  entra: {
    nickname: 'azure-identity-provider',
    shortName: 'azure-id',
    environment: 'global',
    // Gallery application template id 21ed01d2-ec13-4e9e-86c1-cd546719ebc4 (seen in Graph applicationTemplates responses).
    galleryTemplateName: 'AWS IAM Identity Center (successor to AWS Single Sign-On)',
    assignedUsers: ['NikkiWolf', 'RichRoe'],
    assignedGroups: ['AWS-Base', 'AWS-Admins'],
    abacClaim: { name: 'https://aws.amazon.com/SAML/Attributes/AccessControl:Department', source: 'department' },
  },

  // Just-in-time admin (PIM for Groups): eligible users activate membership of the
  // privileged group with `npm run elevate` and give it up with `npm run revoke` (docs/jit-admin.md).
  pim: {
    privilegedGroups: [
      {
        group: 'AWS-Admins',
        eligibleUsers: ['NikkiWolf'],
        // Approval: name approvers (users or groups of this config); none means self-activation.
        activation: { maximumDuration: 'PT2H', requireJustification: true, requireMultifactorAuthentication: true, approvers: { users: [], groups: [] } },
      },
    ],
  },

  // Terraform state and the federation's deploy records. "local": files in the project root, for
  // one person on a workstation. "s3": one bucket in the aws-commercial account for a team and CI,
  // keys <keyPrefix>/<stack>.tfstate, locked by Terraform's native S3 lock file (docs/state.md).
  state: {
    backend: 'local',
    s3: { bucket: 'entra-identity-center-federation-state', region: 'us-east-1', profile: 'aws-commercial', keyPrefix: 'entra-identity-center-federation' },
  },
};

export function loadConfig(raw: unknown = rawConfig): AppConfig {
  return parseConfig(raw);
}
