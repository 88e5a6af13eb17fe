import { Testing, TerraformStack } from 'cdktf';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { rawConfig, loadConfig } from '../config';
import { ConfigError } from '../config-schema';
import { PermissionSet } from '../constructs/permission-set';

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
    expect(problems).toEqual(['identityCenter.permissionSets.2: duplicate permission set "RegionalAdmin"; each must appear once']);
  });

  it('refuses an assignment to a permission set that does not exist', () => {
    const problems = problemsOf(configWith((c) => (c.identityCenter.assignments[0].permissionSet = 'RegionalAdmn')));
    expect(problems).toEqual([
      'identityCenter.assignments.0.permissionSet: "RegionalAdmn" is not in identityCenter.permissionSets; use one of RegionalAdmin, AdministratorAccess',
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
});
