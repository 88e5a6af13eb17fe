import { App } from 'cdktf';
import { rawConfig } from '../../config';
import { printAnnotations } from '../../main';
import { mostProvisionedAccount } from '../../constructs/quota-warnings';
import { synthApp, withEnv } from '../support/synth';

/** The shipped config with one change. */
function configWith(change: (config: any) => void): unknown {
  const copy = structuredClone(rawConfig) as any;
  change(copy);
  return copy;
}

const warningsOf = (app: App) => app.node.findAll().flatMap((n) => n.node.metadata).filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
const synth = (raw: unknown) => withEnv({ AWS_ENDPOINT_URL: undefined }, () => synthApp(raw));

/** What `npm run synth` prints (main.ts), as lines. */
function printed(app: App): string[] {
  const lines: string[] = [];
  const warn = jest.spyOn(console, 'warn').mockImplementation((line: string) => void lines.push(line));
  try {
    printAnnotations(app);
  } finally {
    warn.mockRestore();
  }
  return lines;
}

// IAM Identity Center quotas: 20 managed policies per permission set, with the footnote that IAM allows 10 per role until raised in each account.
describe('managed policies per permission set: 20 in Identity Center, 10 per IAM role until each account raises its quota', () => {
  const withManaged = (count: number) =>
    configWith((c) => {
      const admin = c.identityCenter.permissionSets[1];
      admin.awsManagedPolicies = ['AdministratorAccess', ...Array.from({ length: count - 1 }, (_, i) => `Managed${i}`)];
      c.identityCenter.access['aws-commercial'].push({ group: 'AWS-Admins', permissionSet: 'AdministratorAccess', accounts: ['123456789012'] });
    });

  it.each([11, 20])('warns at synth for %i, naming the IAM quota and the accounts that need it raised, in each partition', (count) => {
    const app = synth(withManaged(count));
    const warnings = warningsOf(app).filter((w) => w.includes('Managed policies attached to an IAM role'));
    expect(warnings).toEqual([
      `permission set "AdministratorAccess" has ${count} AWS-managed and customer-managed policies: Identity Center allows 20, but IAM allows 10 managed policies per role in an account until its quota "Managed policies attached to an IAM role" (Service Quotas, IAM) is raised there, and provisioning the permission set to an account still at 10 fails (IAM Identity Center quotas). Raise it in aws-commercial in: the current account, 123456789012`,
      `permission set "AdministratorAccess" has ${count} AWS-managed and customer-managed policies: Identity Center allows 20, but IAM allows 10 managed policies per role in an account until its quota "Managed policies attached to an IAM role" (Service Quotas, IAM) is raised there, and provisioning the permission set to an account still at 10 fails (IAM Identity Center quotas). Raise it in aws-govcloud in: the current account`,
    ]);
    expect(printed(app)).toEqual(expect.arrayContaining(warnings.map((w) => `warning: ${w}`)));
  });

  it('says nothing at 10', () => {
    expect(warningsOf(synth(withManaged(10))).filter((w) => w.includes('Managed policies attached'))).toEqual([]);
  });
});

// IAM Identity Center quotas: "Number of provisioned permission sets allowed per AWS account", 500, adjustable.
describe('provisioned permission sets per AWS account: 500, adjustable', () => {
  const withAssigned = (count: number, target: object) =>
    configWith((c) => {
      for (let i = 0; i < count; i++) {
        c.identityCenter.permissionSets.push({ name: `Team${i}`, description: `Team ${i}`, sessionDuration: 'PT1H', awsManagedPolicies: ['ReadOnlyAccess'] });
        c.identityCenter.access['aws-govcloud'].push({ group: 'AWS-Base', permissionSet: `Team${i}`, ...target });
      }
    });

  it('warns when the permission sets assigned in a partition could exceed 500 in one account, in that partition only', () => {
    // 498 more, on an OU (any account of it), beside the three assigned on the current account (identityCenter.assignments, access): 501.
    const warnings = warningsOf(synth(withAssigned(498, { organizationalUnits: ['ou-ab12-cdef3456'] }))).filter((w) => w.includes('provisioned permission sets'));
    expect(warnings).toEqual([
      'up to 501 permission sets could be provisioned in one account of aws-govcloud (an entry on the current account, organizationalUnits or allAccounts can reach any account, so each counts): IAM Identity Center allows 500 provisioned permission sets per AWS account (IAM Identity Center quotas, adjustable): request an increase in Service Quotas from the management account before deploying, or assign fewer permission sets per account',
    ]);
  });

  // The counting rule alone: a synth of 500 permission sets per case would take seconds each.
  it('counts the accounts named by id one by one', () => {
    const team = (i: number) => `Team${i}`;
    const spread = Array.from({ length: 501 }, (_, i) => ({ permissionSet: team(i), accounts: [String(100000000000 + (i % 2))] }));
    expect(mostProvisionedAccount(spread)).toEqual({ account: '100000000000', bound: 251 });
    const current = [{ permissionSet: 'Base', accounts: ['current'] }, { permissionSet: 'Admin', organizationalUnits: ['ou-ab12-cdef3456'] }];
    const oneAccount = [...current, ...Array.from({ length: 499 }, (_, i) => ({ permissionSet: team(i), accounts: ['123456789012'] }))];
    expect(mostProvisionedAccount(oneAccount)).toEqual({ account: '123456789012', bound: 501 });
    expect(mostProvisionedAccount(current)).toEqual({ account: undefined, bound: 2 });
  });
});
