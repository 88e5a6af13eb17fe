import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { PERMISSIONS_DIR, readOnlyPolicy, reachableFiles } from '../../scripts/permissions/generate';
import { scanScripts } from '../../scripts/permissions/scan';

const ROOT = join(__dirname, '../..');
const config = loadConfig();
const scripts = scanScripts(ROOT);
const actions = (policy: { Statement: { Action: string[] }[] }) => policy.Statement.flatMap((s) => s.Action);

describe('the read-only policy of npm run status and npm run access (the status workflow\'s roles)', () => {
  it('follows the files status and the access report run, and no other command', () => {
    const files = reachableFiles(ROOT);
    expect(files).toEqual(expect.arrayContaining(['scripts/status.ts', 'scripts/access/collect.ts', 'scripts/deploy-record.ts', 'scripts/clients/console-operations.ts']));
    expect(files).not.toContain('scripts/ci/cli.ts');
    expect(files).not.toContain('scripts/jit/revoke.ts');
  });

  it.each(INSTANCE_NAMES)('%s: only reads, every one that status and access make', (instance) => {
    const policy = readOnlyPolicy(instance, scripts.aws, config);
    const all = actions(policy);
    expect(all.filter((a) => !/^[a-z0-9-]+:(Get|List|Describe)/.test(a))).toEqual([]);
    expect(all).toEqual(
      expect.arrayContaining([
        'sso:ListInstances', 'sso:ListPermissionSets', 'sso:DescribePermissionSet', 'sso:ListAccountAssignments',
        'identitystore:ListUsers', 'identitystore:ListGroups', 'identitystore:ListGroupMemberships',
        'sso-directory:ListProvisioningTenants', 'sso-directory:ListBearerTokens',
        'organizations:DescribeOrganization', 'organizations:ListAccounts',
      ]),
    );
    expect(all).not.toContain('sso:CreateAccountAssignment');
    expect(all).not.toContain('sts:GetCallerIdentity');
    const statements = JSON.stringify(policy);
    expect(statements).toContain(`"aws:RequestedRegion":"${config.aws[instance].region}"`);
  });

  it('reads the deploy records in the state bucket with the state profile only (ListBucket so a missing record is 404, not 403)', () => {
    const commercial = readOnlyPolicy('aws-commercial', scripts.aws, config).Statement;
    const { bucket, keyPrefix } = config.state.s3;
    expect(commercial).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${bucket}` }),
        expect.objectContaining({ Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucket}/${keyPrefix}/records/*` }),
      ]),
    );
    expect(JSON.stringify(readOnlyPolicy('aws-govcloud', scripts.aws, config))).not.toContain('s3:');
  });

  it.each(INSTANCE_NAMES)('%s: the committed file is what the code needs', (instance) => {
    const file = join(PERMISSIONS_DIR, `${config.aws[instance].profile}.read-only.iam-policy.json`);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(readOnlyPolicy(instance, scripts.aws, config), null, 2)}\n`);
  });
});
