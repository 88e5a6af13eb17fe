import { Construct } from 'constructs';
import { Fn, TerraformIterator } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import { DataAwsOrganizationsOrganizationalUnitDescendantAccounts } from '@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit-descendant-accounts';
import { AccessEntry } from '../app-config/schema';

/**
 * The Organization as the access report (scripts/access) reads it at run time, for the same rule
 * the plan-time expression below applies.
 */
export interface OrganizationAccounts {
  /** The account the profile resolves to. */
  readonly currentAccountId: string;
  readonly managementAccountId: string;
  /** Every account in this OU (or root) and every OU below it, whatever its status. */
  descendantsOf(parentId: string): Promise<{ id: string; status?: string }[]>;
  allAccounts(): Promise<{ id: string; status?: string }[]>;
}

// OUs and the Organization reach their ACTIVE accounts only, and never the management account.
const REACHABLE_STATUS = 'ACTIVE';

/** The accounts an access entry reaches, by the rule AccountTargets writes into the plan. */
export async function reachedAccountIds(entry: AccessEntry, organization: OrganizationAccounts): Promise<string[]> {
  if (entry.accounts) return entry.accounts.map((account) => (account === 'current' ? organization.currentAccountId : account));
  const pool = entry.organizationalUnits ? (await Promise.all(entry.organizationalUnits.map((ou) => organization.descendantsOf(ou)))).flat() : await organization.allAccounts();
  return [...new Set(pool.filter((a) => a.status === REACHABLE_STATUS && a.id !== organization.managementAccountId).map((a) => a.id))];
}

export interface AccountTargetsProps {
  /** The account the profile resolves to: what "current" means. */
  readonly currentAccountId: string;
  readonly provider?: AwsProvider;
}

/**
 * The accounts an access entry reaches, as a set of account ids that Terraform computes at plan
 * time. OUs (`aws_organizations_organizational_unit_descendant_accounts`, which also lists closed
 * and suspended accounts: aws-ia/terraform-aws-permission-sets filters them) and the whole
 * Organization expand to their ACTIVE accounts without the management account; that account is
 * reached only when named in `accounts`. Each OU and the Organization are read once per stack.
 */
export class AccountTargets extends Construct {
  private organization?: DataAwsOrganizationsOrganization;
  private readonly descendants = new Map<string, DataAwsOrganizationsOrganizationalUnitDescendantAccounts>();

  constructor(scope: Construct, id: string, private readonly props: AccountTargetsProps) {
    super(scope, id);
  }

  /** The account ids of these entries' targets, as one list (for_each makes it a set: an account reached twice is one key). */
  accountIds(entries: AccessEntry[]): string[] {
    return Fn.concat(entries.map((entry) => this.idsOf(entry)));
  }

  private idsOf(entry: AccessEntry): unknown {
    if (entry.accounts) return entry.accounts.map((account) => (account === 'current' ? this.props.currentAccountId : account));
    if (entry.organizationalUnits) return Fn.concat(entry.organizationalUnits.map((ou) => this.activeMembers(this.descendantsOf(ou).accounts)));
    return this.activeMembers(this.theOrganization().accounts);
  }

  private activeMembers(accounts: unknown): unknown {
    const management = this.theOrganization().masterAccountId;
    return TerraformIterator.fromList(accounts as string[]).forExpressionForList(`val.id if val.status == "${REACHABLE_STATUS}" && val.id != ${management}`);
  }

  private theOrganization(): DataAwsOrganizationsOrganization {
    this.organization ??= new DataAwsOrganizationsOrganization(this, 'organization', { provider: this.props.provider });
    return this.organization;
  }

  private descendantsOf(parentId: string): DataAwsOrganizationsOrganizationalUnitDescendantAccounts {
    let found = this.descendants.get(parentId);
    if (!found) {
      found = new DataAwsOrganizationsOrganizationalUnitDescendantAccounts(this, `descendants_${parentId}`, { parentId, provider: this.props.provider });
      this.descendants.set(parentId, found);
    }
    return found;
  }
}
