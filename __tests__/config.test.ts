import { rawConfig, loadConfig } from '../config';
import { ConfigError } from '../config-schema';

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
});
