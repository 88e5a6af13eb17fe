import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import {
  AccessEntry,
  IAM_MANAGED_POLICIES_PER_ROLE,
  IdentityCenterConfig,
  InstanceName,
  MAX_MANAGED_POLICIES,
  MAX_PROVISIONED_PERMISSION_SETS_PER_ACCOUNT,
} from '../app-config/schema';

/**
 * Quotas of the IAM Identity Center quotas page that the config may pass but that depend on something
 * only AWS knows at deploy time: each is a CDKTF warning at synth (printed by main.ts), never a silent pass.
 * `permissionSets` are the permission set constructs of the instance's stack, by name.
 */
export function warnOfQuotas(stack: Construct, instance: InstanceName, identityCenter: IdentityCenterConfig, permissionSets: Map<string, Construct>): void {
  // What the base stack assigns (identityCenter.assignments) targets the current account.
  const entries: Target[] = [
    ...identityCenter.assignments.map((a) => ({ permissionSet: a.permissionSet, accounts: ['current'] })),
    ...identityCenter.access[instance],
  ];
  warnOfManagedPolicies(instance, identityCenter, entries, permissionSets);
  warnOfProvisionedPermissionSets(stack, instance, entries);
}

/**
 * "Number of AWS managed and customer managed policies per permission set: 20", with its footnote: IAM sets
 * a quota of 10 managed policies per role, raised per account in Service Quotas ("Managed policies attached
 * to an IAM role"). The config cannot know whether each target account raised it, so 11 to 20 warn.
 */
function warnOfManagedPolicies(instance: InstanceName, identityCenter: IdentityCenterConfig, entries: Target[], permissionSets: Map<string, Construct>): void {
  for (const config of identityCenter.permissionSets) {
    const count = config.awsManagedPolicies.length + config.customerManagedPolicies.length;
    if (count <= IAM_MANAGED_POLICIES_PER_ROLE || count > MAX_MANAGED_POLICIES) continue;
    const targets = [...new Set(entries.filter((e) => e.permissionSet === config.name).flatMap(describeTargets))];
    Annotations.of(permissionSets.get(config.name)!).addWarning(
      `permission set "${config.name}" has ${count} AWS-managed and customer-managed policies: Identity Center allows ${MAX_MANAGED_POLICIES}, but IAM allows ${IAM_MANAGED_POLICIES_PER_ROLE} managed policies per role in an account ` +
        `until its quota "Managed policies attached to an IAM role" (Service Quotas, IAM) is raised there, and provisioning the permission set to an account still at ${IAM_MANAGED_POLICIES_PER_ROLE} fails (IAM Identity Center quotas). ` +
        (targets.length ? `Raise it in ${instance} in: ${targets.join(', ')}` : `It is assigned to no account of ${instance} yet: raise the quota in an account before assigning it there`),
    );
  }
}

/**
 * "Number of provisioned permission sets allowed per AWS account: 500", adjustable. A permission set is
 * provisioned in an account when it is assigned there. Accounts reached through "current",
 * organizationalUnits or allAccounts are known only at plan time, so such an entry could reach any
 * account: the bound for an account counts the permission sets that name it plus those of every such entry.
 */
function warnOfProvisionedPermissionSets(stack: Construct, instance: InstanceName, entries: Target[]): void {
  const { account, bound } = mostProvisionedAccount(entries);
  if (bound <= MAX_PROVISIONED_PERMISSION_SETS_PER_ACCOUNT) return;
  Annotations.of(stack).addWarning(
    `up to ${bound} permission sets could be provisioned in ${account ? `account ${account}` : 'one account'} of ${instance} ` +
      '(an entry on the current account, organizationalUnits or allAccounts can reach any account, so each counts): ' +
      `IAM Identity Center allows ${MAX_PROVISIONED_PERMISSION_SETS_PER_ACCOUNT} provisioned permission sets per AWS account (IAM Identity Center quotas, adjustable): ` +
      'request an increase in Service Quotas from the management account before deploying, or assign fewer permission sets per account',
  );
}

/** The most permission sets the entries could provision in one account, and that account when the entries name it by id. */
export function mostProvisionedAccount(entries: Target[]): { account?: string; bound: number } {
  const floating = new Set(entries.filter((e) => !e.accounts || e.accounts.includes('current')).map((e) => e.permissionSet));
  const named = new Map<string, Set<string>>();
  for (const entry of entries) {
    for (const account of entry.accounts?.filter((a) => a !== 'current') ?? []) named.set(account, new Set([...(named.get(account) ?? floating), entry.permissionSet]));
  }
  let account: string | undefined;
  let bound = floating.size;
  for (const [id, permissionSets] of named) if (permissionSets.size > bound) [account, bound] = [id, permissionSets.size];
  return { account, bound };
}

type Target = Pick<AccessEntry, 'permissionSet' | 'accounts' | 'organizationalUnits' | 'allAccounts'>;

const describeTargets = (entry: Target): string[] =>
  entry.accounts?.map((a) => (a === 'current' ? 'the current account' : a)) ??
  entry.organizationalUnits?.map((ou) => `the accounts of ${ou}`) ?? ['every account of the Organization'];
