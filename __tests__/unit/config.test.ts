import { INSTANCE_NAMES } from '../../app-config/schema';
import { Testing, TerraformStack } from 'cdktf';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { rawConfig, loadConfig } from '../../config';
import { ConfigError } from '../../app-config/schema';
import { PermissionSet } from '../../constructs/permission-set';

/** A deep copy of the shipped config with one change applied. */
function configWith(change: (config: any) => void): unknown {
  const copy = structuredClone(rawConfig);
  change(copy);
  return copy;
}

function problemsOf(raw: unknown): string[] {
  try {
    loadConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be refused');
}

describe('config', () => {
  it('accepts the shipped configuration', () => {
    const config = loadConfig();
    expect(config.aws['aws-commercial'].profile).toBe('aws-commercial');
    expect(config.aws['aws-govcloud']).toMatchObject({ profile: 'aws-govcloud', partition: 'aws-us-gov' });
    expect(config.entra).toMatchObject({ nickname: 'azure-identity-provider', shortName: 'azure-id' });
  });

  it('names the field and the fix for an unknown region', () => {
    expect(problemsOf(configWith((c) => (c.aws['aws-commercial'].region = 'us-east-9')))).toEqual([
      expect.stringMatching(/^aws\.aws-commercial\.region: use a region where Identity Center runs, e\.g\. us-east-1/),
    ]);
  });

  it('refuses a GovCloud region on the commercial profile', () => {
    expect(problemsOf(configWith((c) => (c.aws['aws-commercial'].region = 'us-gov-west-1')))).toEqual([
      expect.stringMatching(/^aws\.aws-commercial\.region: us-gov-west-1 is not in partition aws; use one of us-east-1/),
    ]);
  });

  it('refuses a commercial region on the GovCloud profile', () => {
    expect(problemsOf(configWith((c) => (c.aws['aws-govcloud'].region = 'eu-west-1')))).toEqual([
      'aws.aws-govcloud.region: eu-west-1 is not in partition aws-us-gov; use one of us-gov-west-1, us-gov-east-1',
    ]);
  });

  it('refuses a guest account, whose #EXT# name Identity Center would reject', () => {
    expect(problemsOf(configWith((c) => (c.users[1].userName = 'rich_fabrikam.com#EXT#'))).join('\n')).toMatch(/^users\.1\.userName: guest accounts \(#EXT#\) cannot federate/m);
  });

  it('refuses an empty user name', () => {
    expect(problemsOf(configWith((c) => (c.users[0].userName = ''))).join('\n')).toMatch(
      /^users\.0\.userName: put the user name \(the part before @/m,
    );
  });

  it('refuses a duplicate permission set', () => {
    const problems = problemsOf(
      configWith((c) => c.identityCenter.permissionSets.push({ ...c.identityCenter.permissionSets[0] })),
    );
    expect(problems).toEqual(['identityCenter.permissionSets.3: duplicate permission set "RegionalAdmin"; each must appear once']);
  });

  it('refuses an assignment to a permission set that does not exist', () => {
    const problems = problemsOf(configWith((c) => (c.identityCenter.assignments[0].permissionSet = 'RegionalAdmn')));
    expect(problems).toEqual([
      'identityCenter.assignments.0.permissionSet: "RegionalAdmn" is not in identityCenter.permissionSets; use one of RegionalAdmin, AdministratorAccess, BaseViewOnly',
    ]);
  });

  it('refuses a permission set name longer than Identity Center allows', () => {
    const problems = problemsOf(configWith((c) => (c.identityCenter.permissionSets[0].name = 'x'.repeat(33))));
    expect(problems[0]).toMatch(/^identityCenter\.permissionSets\.0\.name: use 1 to 32 characters/);
  });

  it('refuses a session longer than 12 hours', () => {
    const problems = problemsOf(configWith((c) => (c.identityCenter.permissionSets[0].sessionDuration = 'PT13H')));
    expect(problems[0]).toMatch(/^identityCenter\.permissionSets\.0\.sessionDuration: use one of PT1H, .*PT12H$/);
  });

  it('refuses a name with characters Identity Center rejects', () => {
    const problems = problemsOf(configWith((c) => (c.users[1].displayName = 'Richard "Rich" Roe')));
    expect(problems[0]).toMatch(/^users\.1\.displayName: remove tabs, line breaks and the characters/);
  });

  it('puts every problem in one message', () => {
    const raw = configWith((c) => {
      c.aws['aws-commercial'].region = 'nowhere-1';
      c.users[0].givenName = '';
    });
    expect(() => loadConfig(raw)).toThrow(/Invalid configuration in config\.ts:\n {2}- aws\.aws-commercial\.region: .*\n {2}- users\.0\.givenName: put the given name/);
  });

  describe('refuses unknown keys instead of dropping them', () => {
    it.each([
      ['a misspelt inlinePolicy beside awsManagedPolicies', (c: any) => (c.identityCenter.permissionSets[1].inlinepolicy = c.identityCenter.permissionSets[0].inlinePolicy), 'identityCenter.permissionSets.1: unknown key "inlinepolicy"'],
      ['a key on a user', (c: any) => (c.users[0].mail = 'x@example.com'), 'users.0: unknown key "mail"'],
      ['a key on an AWS instance', (c: any) => (c.aws['aws-govcloud'].fips = true), 'aws.aws-govcloud: unknown key "fips"'],
      ['a key at the top', (c: any) => (c.extra = {}), '(root): unknown key "extra"'],
      ['a key in the state settings', (c: any) => (c.state.s3.encrypt = true), 'state.s3: unknown key "encrypt"'],
      ['a misspelt element in a policy statement', (c: any) => (c.identityCenter.permissionSets[0].inlinePolicy.Statement[0].Conditions = {}), 'identityCenter.permissionSets.0.inlinePolicy.Statement.0: unknown key "Conditions"'],
    ])('%s', (_what, change, problem) => {
      expect(problemsOf(configWith(change))).toEqual([expect.stringContaining(problem)]);
    });
  });

  describe('IAM statement elements', () => {
    const statementOf = (change: (statement: any) => void) => configWith((c) => change(c.identityCenter.permissionSets[0].inlinePolicy.Statement[0]));

    it('keeps Condition, NotAction and NotResource exactly as written in the synthesized policy', () => {
      const statement = {
        Sid: 'DenyOutsideRegions',
        Effect: 'Deny',
        NotAction: ['iam:*', 'sts:*'],
        NotResource: ['arn:aws:s3:::audit/*'],
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] }, Bool: { 'aws:SecureTransport': false } },
      };
      const config = loadConfig(configWith((c) => c.identityCenter.permissionSets[0].inlinePolicy.Statement.push(statement)));
      const synthesized = Testing.synth(
        (() => {
          const stack = new TerraformStack(Testing.app(), 'test');
          new PermissionSet(stack, 'ps', { instanceArn: 'arn', partition: 'aws', config: config.identityCenter.permissionSets[0] });
          return stack;
        })(),
      );
      const policy = JSON.parse(Object.values(JSON.parse(synthesized).resource[SsoadminPermissionSetInlinePolicy.tfResourceType] as Record<string, any>)[0].inline_policy);
      expect(policy.Statement[1]).toEqual(statement);
    });

    it('accepts Action "*" and a single string', () => {
      expect(() => loadConfig(statementOf((s) => (s.Action = ['*'])))).not.toThrow();
      expect(() => loadConfig(statementOf((s) => (s.Action = 'account:ListRegions')))).not.toThrow();
    });

    it('refuses Principal in a permission set policy, saying why', () => {
      expect(problemsOf(statementOf((s) => (s.Principal = { AWS: '*' })))).toEqual([
        expect.stringMatching(/^identityCenter\.permissionSets\.0\.inlinePolicy\.Statement\.0\.Principal: an inline policy of a permission set is identity-based: IAM refuses Principal/),
      ]);
    });

    it('refuses a statement with both Action and NotAction, or neither Resource nor NotResource', () => {
      expect(problemsOf(statementOf((s) => (s.NotAction = ['iam:*'])))).toEqual([expect.stringMatching(/Statement\.0\.Action: give a statement exactly one of Action or NotAction/)]);
      expect(problemsOf(statementOf((s) => delete s.Resource))).toEqual([expect.stringMatching(/Statement\.0\.Resource: give a statement exactly one of Resource or NotResource/)]);
    });
  });

  describe('cross-field checks', () => {
    it('refuses user names that differ only in case', () => {
      expect(problemsOf(configWith((c) => c.users.push({ ...c.users[1], userName: 'richroe' })))).toEqual([
        'users.2.userName: "richroe" differs from "RichRoe" only in case; Entra user names are case-insensitive, so they clash: rename one',
      ]);
    });

    it('refuses an ABAC claim not named after an access-control attribute key', () => {
      expect(problemsOf(configWith((c) => (c.entra.abacClaim.name = 'https://aws.amazon.com/SAML/Attributes/AccessControl:Dept')))).toEqual([
        'entra.abacClaim.name: Identity Center ignores this claim: name it "https://aws.amazon.com/SAML/Attributes/AccessControl:Department"',
      ]);
      expect(problemsOf(configWith((c) => (c.entra.abacClaim.name = 'https://example.com/Department')))).toHaveLength(1);
    });

    it('refuses an ABAC claim whose source the product does not set', () => {
      expect(problemsOf(configWith((c) => (c.entra.abacClaim.source = 'costcenter')))).toEqual([
        expect.stringMatching(/^entra\.abacClaim\.source: "costcenter" is no user attribute the product sets, so the claim would be empty; use one of .*department/),
      ]);
    });

    it('refuses an Entra app with no assigned users', () => {
      expect(problemsOf(configWith((c) => (c.entra.assignedUsers = [])))).toEqual([expect.stringMatching(/^entra\.assignedUsers: assign at least one user/)]);
    });

    it('refuses a shortName that is not a valid stack name, naming the field and an example', () => {
      expect(problemsOf(configWith((c) => (c.entra.shortName = 'azure id')))).toEqual([expect.stringMatching(/^entra\.shortName: is not a valid stack name: .*\(e\.g\. "azure-id"\)/)]);
      expect(problemsOf(configWith((c) => (c.entra.shortName = 'azure-*')))).toHaveLength(1);
    });
  });
  describe('groups and access', () => {
    const access = (c: any) => c.identityCenter.access['aws-commercial'];
    const group = (displayName: string, members: string[] = ['RichRoe']) => ({ displayName, description: `${displayName} team`, members });

    it('ships the always-on group and the admin group, both assigned to the apps, with access on the current account', () => {
      const config = loadConfig();
      expect(config.groups.map((g) => g.displayName)).toEqual(['AWS-Base', 'AWS-Admins']);
      expect(config.entra.assignedGroups).toEqual(['AWS-Base', 'AWS-Admins']);
      for (const name of ['aws-commercial', 'aws-govcloud'] as const) {
        expect(config.identityCenter.access[name]).toEqual([
          { group: 'AWS-Base', permissionSet: 'BaseViewOnly', accounts: ['current'] },
          { group: 'AWS-Admins', permissionSet: 'AdministratorAccess', accounts: ['current'] },
        ]);
      }
    });

    it('refuses a nested group: a member that is another group', () => {
      expect(problemsOf(configWith((c) => c.groups[0].members.push('AWS-Admins')))).toEqual([
        expect.stringMatching(/^groups\.0\.members\.2: "AWS-Admins" is a group; Entra provisions direct members only \(nested groups are not provisioned\): list its users here instead$/),
      ]);
    });

    it('refuses a member who is not a user of the config', () => {
      expect(problemsOf(configWith((c) => c.groups[1].members.push('MaryMajor')))).toEqual(['groups.1.members.0: "MaryMajor" is not in users; add it there or fix the name']);
    });

    it.each(['Administrator', 'AWSAdministrators', 'awsadministrators'])('refuses the reserved group name %s', (name) => {
      const problems = problemsOf(configWith((c) => c.groups.push(group(name))));
      expect(problems).toEqual([expect.stringMatching(/^groups\.2\.displayName: ".+" is reserved by the Identity Center identity store \(Administrator, AWSAdministrators\); rename the group$/)]);
    });

    it.each(['R&D', 'Ops "core"', 'a\\b', 'x:y'])('refuses a group name SCIM cannot filter on: %s', (name) => {
      expect(problemsOf(configWith((c) => c.groups.push(group(name))))).toEqual([expect.stringMatching(/^groups\.2\.displayName: remove the characters .* Entra cannot filter on a group name that holds them, so the group would never sync$/)]);
    });

    it('refuses display names that differ only in case', () => {
      expect(problemsOf(configWith((c) => c.groups.push(group('aws-base'))))).toEqual([
        'groups.2.displayName: "aws-base" clashes with "AWS-Base": group display names are matched case-insensitively, so each must be unique; rename one',
      ]);
    });

    it('refuses an access entry whose group is not in the config, or not assigned to the app', () => {
      expect(problemsOf(configWith((c) => (access(c)[0].group = 'AWS-Bse')))).toEqual(['identityCenter.access.aws-commercial.0.group: "AWS-Bse" is not in groups; add it there or fix the name']);
      expect(problemsOf(configWith((c) => (c.entra.assignedGroups = ['AWS-Base'])))).toEqual([
        'identityCenter.access.aws-commercial.1.group: "AWS-Admins" is not in entra.assignedGroups, so it would never be provisioned to Identity Center; add it there',
        'identityCenter.access.aws-govcloud.1.group: "AWS-Admins" is not in entra.assignedGroups, so it would never be provisioned to Identity Center; add it there',
        expect.stringMatching(/^pim\.privilegedGroups\.0\.group: "AWS-Admins" is not in entra\.assignedGroups/),
      ]);
    });

    it('refuses an unknown assigned group', () => {
      expect(problemsOf(configWith((c) => c.entra.assignedGroups.push('Nobody')))).toEqual(['entra.assignedGroups.2: "Nobody" is not in groups; add it there or fix the name']);
    });

    it('refuses an access entry for a user who is not in the config or never reaches Identity Center', () => {
      expect(problemsOf(configWith((c) => access(c).push({ user: 'MaryMajor', permissionSet: 'BaseViewOnly', accounts: ['current'] })))).toEqual([
        'identityCenter.access.aws-commercial.2.user: "MaryMajor" is not in users; add it there or fix the name',
      ]);
      const unreachable = configWith((c) => {
        c.users.push({ ...c.users[1], userName: 'MaryMajor', displayName: 'Mary Major' });
        access(c).push({ user: 'MaryMajor', permissionSet: 'BaseViewOnly', accounts: ['current'] });
      });
      expect(problemsOf(unreachable)).toEqual([
        'identityCenter.access.aws-commercial.2.user: "MaryMajor" never reaches Identity Center: add it to identityCenter.users (created by Terraform), entra.assignedUsers or a member of an assigned group (provisioned by SCIM)',
      ]);
    });

    it('refuses an access entry with an unknown permission set', () => {
      expect(problemsOf(configWith((c) => (access(c)[0].permissionSet = 'ViewOnly')))).toEqual([
        expect.stringMatching(/^identityCenter\.access\.aws-commercial\.0\.permissionSet: "ViewOnly" is not in identityCenter\.permissionSets; use one of RegionalAdmin, /),
      ]);
    });

    it.each([
      ['both group and user', (e: any) => (e.user = 'NikkiWolf'), /^identityCenter\.access\.aws-commercial\.0: give exactly one of group or user$/],
      ['two targets', (e: any) => (e.allAccounts = true), /^identityCenter\.access\.aws-commercial\.0: give exactly one of accounts, organizationalUnits or allAccounts$/],
      ['no target', (e: any) => delete e.accounts, /^identityCenter\.access\.aws-commercial\.0: give exactly one of accounts, organizationalUnits or allAccounts$/],
      ['an account id of 11 digits', (e: any) => (e.accounts = ['12345678901']), /^identityCenter\.access\.aws-commercial\.0\.accounts\.0: use "current" \(the account the profile resolves to\) or a 12-digit account id$/],
      ['an account id with letters', (e: any) => (e.accounts = ['12345678901a']), /^identityCenter\.access\.aws-commercial\.0\.accounts\.0: use "current"/],
      ['an OU id that is not one', (e: any) => { delete e.accounts; e.organizationalUnits = ['workloads']; }, /^identityCenter\.access\.aws-commercial\.0\.organizationalUnits\.0: use an OU id \("ou-…"\) or the root id \("r-…"\)/],
      ['allAccounts false', (e: any) => { delete e.accounts; e.allAccounts = false; }, /allAccounts/],
    ])('refuses an access entry with %s', (_what, change, problem) => {
      expect(problemsOf(configWith((c) => change(access(c)[0])))).toEqual([expect.stringMatching(problem)]);
    });

    it('accepts OU and Organization-wide targets', () => {
      const config = loadConfig(configWith((c) => access(c).push(
        { group: 'AWS-Base', permissionSet: 'RegionalAdmin', organizationalUnits: ['ou-ab12-cdef3456', 'r-ab12'] },
        { group: 'AWS-Admins', permissionSet: 'RegionalAdmin', allAccounts: true },
        { user: 'RichRoe', permissionSet: 'RegionalAdmin', accounts: ['123456789012'] },
      )));
      expect(config.identityCenter.access['aws-commercial']).toHaveLength(5);
    });

    describe('access split over stacks (at scale)', () => {
      const inStack = (stack: string) => (e: any) => (e.stack = stack);
      /** configWith, with every stack the entries name declared in identityCenter.accessStacks. */
      const declaredWith = (change: (c: any) => void) =>
        configWith((c) => {
          change(c);
          for (const instance of INSTANCE_NAMES) c.identityCenter.accessStacks[instance] = [...new Set(c.identityCenter.access[instance].flatMap((e: any) => (e.stack ? [e.stack] : [])))];
        });

      it('accepts a short stack name on an entry, and leaves entries without one alone', () => {
        const config = loadConfig(declaredWith((c) => inStack('admin')(access(c)[1])));
        expect(config.identityCenter.access['aws-commercial'].map((e) => e.stack)).toEqual([undefined, 'admin']);
        expect(() => loadConfig(declaredWith((c) => inStack('w0rk-loads-2')(access(c)[0])))).not.toThrow();
      });

      it.each(['Workloads', '-admin', 'a b', 'a_b', '', 'x'.repeat(21)])('refuses the stack name %j, saying what a stack name may hold', (name) => {
        expect(problemsOf(configWith((c) => inStack(name)(access(c)[0])))).toEqual([
          expect.stringMatching(/^identityCenter\.access\.aws-commercial\.0\.stack: use 1 to 20 lowercase letters, digits or "-", starting with a letter or digit \(e\.g\. "workloads"\): the entries go to the stack <instance>-access-<stack>$/),
        ]);
      });

      it('refuses the same principal with the same permission set in two stacks of one partition, naming both entries and stacks', () => {
        const problems = problemsOf(declaredWith((c) => access(c).push({ group: 'AWS-Admins', permissionSet: 'AdministratorAccess', organizationalUnits: ['ou-ab12-cdef3456'], stack: 'admin' })));
        expect(problems).toEqual([
          'identityCenter.access.aws-commercial: group "AWS-Admins" with permission set "AdministratorAccess" is in 2 stacks: entry 1 in aws-commercial-access, entry 2 in aws-commercial-access-admin; two states would manage the same assignment (the aws provider refuses to create one that already exists, and destroying either stack removes the other\'s): give these entries the same stack',
        ]);
        const users = problemsOf(declaredWith((c) => access(c).push(
          { user: 'NikkiWolf', permissionSet: 'BaseViewOnly', accounts: ['123456789012'], stack: 'a' },
          { user: 'NikkiWolf', permissionSet: 'BaseViewOnly', accounts: ['210987654321'], stack: 'b' },
        )));
        expect(users).toEqual([expect.stringMatching(/^identityCenter\.access\.aws-commercial: user "NikkiWolf" with permission set "BaseViewOnly" is in 2 stacks: entry 2 in aws-commercial-access-a, entry 3 in aws-commercial-access-b;/)]);
      });

      it('accepts the same principal in two stacks with different permission sets, and the same stack name in both partitions', () => {
        expect(() => loadConfig(declaredWith((c) => {
          access(c).push({ group: 'AWS-Admins', permissionSet: 'RegionalAdmin', accounts: ['current'], stack: 'admin' });
          c.identityCenter.access['aws-govcloud'][1].stack = 'admin';
        }))).not.toThrow();
      });

      it('refuses an entry whose stack is not declared in identityCenter.accessStacks, saying why it must be', () => {
        expect(problemsOf(configWith((c) => inStack('admin')(access(c)[1])))).toEqual([
          `identityCenter.access.aws-commercial.1.stack: "admin" is not in identityCenter.accessStacks['aws-commercial']: add it there. A declared stack stays in the app until you remove it from that list, so removing its last entry and deploying destroys what it deployed`,
        ]);
      });

      it('accepts a declared stack without entries (it stays in the app, empty), and refuses a name declared twice', () => {
        expect(() => loadConfig(configWith((c) => (c.identityCenter.accessStacks['aws-govcloud'] = ['admin'])))).not.toThrow();
        expect(problemsOf(configWith((c) => (c.identityCenter.accessStacks['aws-govcloud'] = ['admin', 'admin'])))).toEqual(['identityCenter.accessStacks.aws-govcloud.1: duplicate access stack "admin"; each must appear once']);
      });
    });

    it('refuses an access entry and a base-stack assignment for the same user, permission set and current account, naming both', () => {
      expect(problemsOf(configWith((c) => c.identityCenter.access['aws-govcloud'].push({ user: 'NikkiWolf', permissionSet: 'AdministratorAccess', accounts: ['current', '123456789012'] })))).toEqual([
        `identityCenter.access.aws-govcloud.2: identityCenter.assignments.1 and identityCenter.access['aws-govcloud'].2 both give user "NikkiWolf" permission set "AdministratorAccess" on the current account: two states (aws-govcloud and aws-govcloud-access) would manage one assignment, and destroying either removes the other's; keep one of them`,
      ]);
    });

    it('accepts 101 groups with one permission set in one account: the IAM Identity Center quotas page sets no limit there', () => {
      expect(() => loadConfig(configWith((c) => {
        for (let i = 0; i < 101; i++) {
          c.groups.push(group(`Team-${i}`));
          c.entra.assignedGroups.push(`Team-${i}`);
          access(c).push({ group: `Team-${i}`, permissionSet: 'RegionalAdmin', accounts: ['123456789012'] });
        }
      }))).not.toThrow();
    });
  });

  describe('permission set policies', () => {
    const withPolicies = (change: (ps: any) => void) => configWith((c) => change(c.identityCenter.permissionSets[0]));

    it('accepts customer-managed policies, an AWS-managed or customer-managed boundary, and a relay state', () => {
      const config = loadConfig(withPolicies((ps) => Object.assign(ps, {
        customerManagedPolicies: [{ name: 'RegionGuard', path: '/guards/' }, { name: 'Audit' }],
        permissionsBoundary: { customerManagedPolicy: { name: 'Boundary' } },
        relayState: 'https://console.aws.amazon.com/billing/home',
      })));
      expect(config.identityCenter.permissionSets[0]).toMatchObject({ customerManagedPolicies: [{ name: 'RegionGuard', path: '/guards/' }, { name: 'Audit', path: '/' }], permissionsBoundary: { customerManagedPolicy: { name: 'Boundary', path: '/' } } });
      expect(() => loadConfig(withPolicies((ps) => (ps.permissionsBoundary = { awsManagedPolicy: 'PowerUserAccess' })))).not.toThrow();
    });

    it('refuses a boundary with both kinds, and a policy path that IAM would refuse', () => {
      expect(problemsOf(withPolicies((ps) => (ps.permissionsBoundary = { awsManagedPolicy: 'PowerUserAccess', customerManagedPolicy: { name: 'B' } })))).toEqual([
        expect.stringMatching(/^identityCenter\.permissionSets\.0\.permissionsBoundary: /),
      ]);
      expect(problemsOf(withPolicies((ps) => (ps.customerManagedPolicies = [{ name: 'A', path: 'guards' }])))).toEqual([
        expect.stringMatching(/^identityCenter\.permissionSets\.0\.customerManagedPolicies\.0\.path: start and end the path with "\/"/),
      ]);
    });

    it('refuses more than 20 AWS-managed and customer-managed policies on one permission set', () => {
      const problems = problemsOf(configWith((c) => {
        c.identityCenter.permissionSets[1].awsManagedPolicies.push(...Array.from({ length: 10 }, (_, i) => `Managed${i}`));
        c.identityCenter.permissionSets[1].customerManagedPolicies = Array.from({ length: 10 }, (_, i) => ({ name: `Custom${i}` }));
      }));
      expect(problems).toEqual([
        'identityCenter.permissionSets.1: 21 AWS-managed and customer-managed policies; Identity Center allows 20 per permission set (IAM Identity Center quotas): merge some into a customer-managed policy or split the permission set',
      ]);
    });

    it('refuses an inline policy over 10,240 characters without whitespace', () => {
      const problems = problemsOf(withPolicies((ps) => ps.inlinePolicy.Statement.push({ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) })));
      expect(problems).toEqual([expect.stringMatching(/^identityCenter\.permissionSets\.0\.inlinePolicy: \d{5} characters without whitespace; Identity Center allows 10,240 \(and 32,768 bytes\) per inline policy \(IAM Identity Center quotas\): move statements into a customer-managed policy$/)]);
    });
  });

  describe('just-in-time admin with PIM for Groups', () => {
    const withPim = (change: (pim: any, c: any) => void) => configWith((c) => change(c.pim.privilegedGroups[0], c));

    it('makes NikkiWolf eligible for AWS-Admins instead of a member, with a policy that requires a justification', () => {
      const config = loadConfig();
      expect(config.groups.find((g) => g.displayName === 'AWS-Admins')!.members).not.toContain('NikkiWolf');
      expect(config.pim.privilegedGroups).toEqual([
        expect.objectContaining({ group: 'AWS-Admins', eligibleUsers: ['NikkiWolf'], activation: expect.objectContaining({ maximumDuration: 'PT2H', requireJustification: true }) }),
      ]);
    });

    it('refuses an eligible user who is not in users', () => {
      expect(problemsOf(withPim((pim) => pim.eligibleUsers.push('Nobody')))).toEqual(['pim.privilegedGroups.0.eligibleUsers.1: "Nobody" is not in users; add it there or fix the name']);
    });

    // group_role_management_policy_resource.go (v3.7.0) accepts "P1D" for a day, not "PT1D".
    it.each(['PT45M', 'PT24H', 'PT0M', 'PT1D', 'PT2D', 'PT23H45M', 'PT12'])('refuses the activation duration %s', (duration) => {
      expect(problemsOf(withPim((pim) => (pim.activation.maximumDuration = duration)))).toEqual([
        expect.stringMatching(/^pim\.privilegedGroups\.0\.activation\.maximumDuration: use PT30M to PT23H30M in 30-minute steps \(e\.g\. PT1H30M\), or P1D/),
      ]);
    });

    it.each(['PT30M', 'PT1H', 'PT1H30M', 'PT23H30M', 'P1D'])('accepts the activation duration %s', (duration) => {
      expect(loadConfig(withPim((pim) => (pim.activation.maximumDuration = duration))).pim.privilegedGroups[0].activation.maximumDuration).toBe(duration);
    });

    it('refuses a privileged group that is not a group of the config (it could be dynamic or synced), or not assigned to the app', () => {
      expect(problemsOf(withPim((pim) => (pim.group = 'Dynamic-Admins')))).toEqual([
        'pim.privilegedGroups.0.group: "Dynamic-Admins" is not in groups: a privileged group must be a static security group this config creates (PIM for Groups refuses dynamic and on-premises-synced groups)',
      ]);
      expect(problemsOf(configWith((c) => (c.entra.assignedGroups = ['AWS-Base'])))).toEqual([
        expect.stringMatching(/^identityCenter\.access\.aws-commercial\.1\.group: /),
        expect.stringMatching(/^identityCenter\.access\.aws-govcloud\.1\.group: /),
        'pim.privilegedGroups.0.group: "AWS-Admins" is not in entra.assignedGroups, so an activated membership would never be provisioned to Identity Center; add it there',
      ]);
    });

    it('refuses an eligible user who is also a standing member: that is the standing access PIM removes', () => {
      expect(problemsOf(configWith((c) => c.groups[1].members.push('NikkiWolf')))).toEqual([
        'pim.privilegedGroups.0.eligibleUsers.0: "NikkiWolf" is also a direct member of AWS-Admins, so she would never need to activate; remove her from groups[].members',
      ]);
    });

    // The eligibility is created before the group's policy is adopted (constructs/entra-pim.ts), so it must
    // expire within the default policy's P365D; the same value becomes the policy's expire_after, which
    // group_role_management_policy_resource.go (v3.7.0) limits to P15D, P30D, P90D, P180D or P365D.
    it('gives an eligibility P365D by default, and takes P15D, P30D, P90D, P180D or P365D', () => {
      expect(loadConfig().pim.privilegedGroups[0].eligibilityDuration).toBe('P365D');
      for (const duration of ['P15D', 'P30D', 'P90D', 'P180D', 'P365D']) {
        expect(loadConfig(withPim((pim) => (pim.eligibilityDuration = duration))).pim.privilegedGroups[0].eligibilityDuration).toBe(duration);
      }
    });

    it.each(['P366D', 'P1Y', 'PT8H', 'P45D', ''])('refuses the eligibility duration %p', (duration) => {
      expect(problemsOf(withPim((pim) => (pim.eligibilityDuration = duration)))).toEqual([
        expect.stringMatching(/^pim\.privilegedGroups\.0\.eligibilityDuration: use P15D, P30D, P90D, P180D or P365D/),
      ]);
    });

    it('takes approvers from the config: users or groups it names, and requires approval only when there are approvers', () => {
      const config = loadConfig(withPim((pim) => (pim.activation.approvers = { users: ['RichRoe'], groups: ['AWS-Base'] })));
      expect(config.pim.privilegedGroups[0].activation.approvers).toEqual({ users: ['RichRoe'], groups: ['AWS-Base'] });
      expect(problemsOf(withPim((pim) => (pim.activation.approvers = { users: ['Ghost'], groups: ['Nope'] })))).toEqual([
        'pim.privilegedGroups.0.activation.approvers.users.0: "Ghost" is not in users; add it there or fix the name',
        'pim.privilegedGroups.0.activation.approvers.groups.0: "Nope" is not in groups; add it there or fix the name',
      ]);
    });
  });

  describe('what is written is what is deployed', () => {
    it("refuses CDKTF's token markers in any config string, naming where: CDKTF would replace them by a reference", () => {
      const problems = problemsOf(configWith((c) => {
        c.groups[0].description = 'Team ${TfToken[TOKEN.1]}';
        c.identityCenter.permissionSets[0].inlinePolicy.Statement[0].Condition = { StringEquals: { 'aws:PrincipalTag/Team': ['#{TfToken[TOKEN.2]}'] } };
      }));
      expect(problems).toEqual([
        expect.stringMatching(/^groups\.0\.description: remove "\$\{TfToken\[": CDKTF reads it as one of its own tokens/),
        expect.stringMatching(/^identityCenter\.permissionSets\.0\.inlinePolicy\.Statement\.0\.Condition\.StringEquals\.aws:PrincipalTag\/Team\.0: remove "#\{TfToken\["/),
      ]);
    });

    it('accepts Terraform template sequences in config text: they reach Terraform escaped (constructs/literal.ts)', () => {
      expect(() => loadConfig(configWith((c) => {
        c.groups[0].description = 'Everyone ${file("/etc/hostname")} %{ if true }x%{ endif }';
        c.identityCenter.permissionSets[0].inlinePolicy.Statement[0].Condition = { StringEquals: { 'aws:ResourceTag/Department': '${aws:PrincipalTag/Department}' } };
      }))).not.toThrow();
    });

    describe("a permission set's description as CreatePermissionSet takes it (1 to 700 of tab, line breaks, printable ASCII and U+00A1-U+00FF)", () => {
      const withDescription = (description: string) => configWith((c) => (c.identityCenter.permissionSets[0].description = description));

      it.each([
        ['an em dash', 'Regions — all of them', 'U+2014 "—" at position 9'],
        ['a no-break space', 'Regions\u00a0admin', 'U+00A0 at position 8'],
        ['an emoji', 'Regions 🌍', 'U+1F30D "🌍" at position 9'],
      ])('refuses %s, naming the character and where it is', (_what, description, named) => {
        expect(problemsOf(withDescription(description))).toEqual([
          `identityCenter.permissionSets.0.description: ${named} is not a character CreatePermissionSet accepts in a description (tab, line breaks, printable ASCII, U+00A1 to U+00FF): replace it`,
        ]);
      });

      it('refuses more than 700 characters, and an empty description', () => {
        expect(problemsOf(withDescription('x'.repeat(701)))).toEqual([expect.stringMatching(/^identityCenter\.permissionSets\.0\.description: use at most 700 characters \(CreatePermissionSet\)/)]);
        expect(problemsOf(withDescription(''))).toEqual([expect.stringMatching(/^identityCenter\.permissionSets\.0\.description: describe what the permission set grants/)]);
      });

      it('accepts tabs, line breaks, ASCII and Latin-1 letters, up to 700 characters', () => {
        expect(() => loadConfig(withDescription('Régions\tadmin\r\nfür ¡todos! ÿ'))).not.toThrow();
        expect(() => loadConfig(withDescription('x'.repeat(700)))).not.toThrow();
      });
    });

    describe('AWS profile names, written into AWS config files and Terraform provider and backend blocks', () => {
      it.each([
        ['a space', 'aws commercial'],
        ['a bracket', 'prod]'],
        ['a quote', 'prod"'],
        ['a line break', 'prod\n[profile admin]'],
        ['a template sequence', '${file("x")}'],
        ['a percent sign', 'prod%{'],
        ['a brace', 'prod{'],
      ])('refuses %s, in aws.<instance>.profile and state.s3.profile', (_what, profile) => {
        const message = 'use letters, digits and . _ - + @ = , only (an AWS CLI profile name, written into [profile …] headers of AWS config files and into Terraform provider and backend blocks)';
        expect(problemsOf(configWith((c) => (c.aws['aws-govcloud'].profile = profile)))).toEqual([`aws.aws-govcloud.profile: ${message}`]);
        expect(problemsOf(configWith((c) => (c.state.s3.profile = profile)))).toEqual([`state.s3.profile: ${message}`]);
      });

      it('accepts letters, digits and ._-+@=,', () => {
        expect(() => loadConfig(configWith((c) => {
          c.aws['aws-commercial'].profile = 'Team.dev_1-a+b@c=d,e';
          c.state.s3.profile = 'state-admin@prod';
        }))).not.toThrow();
      });
    });
  });
});
