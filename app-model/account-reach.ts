/**
 * Which accounts an access entry reaches, one rule on both sides: the access stacks write it into the
 * plan as a Terraform expression (constructs/account-targets.ts, AccountTargets), and the access report
 * (scripts/access) applies it at run time to the Organization as it reads it.
 */
import { AccessEntry } from '../app-config/schema';

/**
 * The Organization as the access report (scripts/access) reads it at run time, for the same rule
 * the plan-time expression applies.
 */
export interface OrganizationAccounts {
  /** The account the profile resolves to. */
  readonly currentAccountId: string;
  readonly managementAccountId: string;
  /**
   * Every account in this OU (or root) and every OU below it, whatever its state: Organizations'
   * State (AccountState), or the retired Status where State is absent; undefined when neither is given.
   */
  descendantsOf(parentId: string): Promise<{ id: string; state?: string }[]>;
  allAccounts(): Promise<{ id: string; state?: string }[]>;
}

// OUs and the Organization reach their ACTIVE accounts only, and never the management account.
export const REACHABLE_STATE = 'ACTIVE';

/** The accounts an access entry reaches, by the rule AccountTargets writes into the plan. */
export async function reachedAccountIds(entry: AccessEntry, organization: OrganizationAccounts): Promise<string[]> {
  if (entry.accounts) return entry.accounts.map((account) => (account === 'current' ? organization.currentAccountId : account));
  const pool = entry.organizationalUnits ? (await Promise.all(entry.organizationalUnits.map((ou) => organization.descendantsOf(ou)))).flat() : await organization.allAccounts();
  return [...new Set(pool.filter((a) => a.state === REACHABLE_STATE && a.id !== organization.managementAccountId).map((a) => a.id))];
}
