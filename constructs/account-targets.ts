import { Construct } from 'constructs';
import { Fn, TerraformDataSource, TerraformIterator } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import { DataAwsOrganizationsOrganizationalUnitDescendantAccounts } from '@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit-descendant-accounts';
import { AccessEntry } from '../app-config/schema';
import { REACHABLE_STATE } from '../app-model/account-reach';
import { addPostconditions } from './postconditions';
import { literal } from './literal';

export interface AccountTargetsProps {
  /** The account the profile resolves to: what "current" means. */
  readonly currentAccountId: string;
  readonly provider?: AwsProvider;
}

/**
 * An account's state as Terraform reads it from an Organizations data source's `accounts`: `state`
 * where the aws provider exposes it (its newer releases), else the retired `status` (5.100.0 exposes
 * only that), else "UNKNOWN". try() turns the attribute a provider lacks into the fallback.
 */
export const stateOf = (account: string) => `coalesce(try(${account}.state, ""), try(${account}.status, ""), "UNKNOWN")`;

/**
 * AWS Organizations stopped returning an account's Status on 2026-09-09 (SDK model docs of Account:
 * "use the State parameter"). A provider that reads only status then sees every account without a
 * state, and an OU would expand to no account: the next plan would destroy all its assignments, and a
 * deploy that auto-approves would apply that. The plan stops instead.
 */
export const UNKNOWN_ACCOUNT_STATE_MESSAGE =
  'AWS Organizations answered with accounts that have neither State nor Status: AWS retired the account Status field on 2026-09-09, ' +
  'and the hashicorp/aws provider in use reads only status (5.100.0 does), so organizationalUnits and allAccounts entries cannot tell ACTIVE accounts from closed ones. ' +
  'Upgrade hashicorp/aws to 6.18.0 or later, whose Organizations data sources expose state (@cdktf/provider-aws 21.22.1 is built for 6.25.0), or target accounts by id in config.ts. ' +
  'The plan stops here so that no assignment is destroyed for want of a field.';

/**
 * The accounts an access entry reaches, as a set of account ids that Terraform computes at plan
 * time, by the rule the access report applies at run time (app-model/account-reach.ts). OUs (`aws_organizations_organizational_unit_descendant_accounts`, which also lists closed
 * and suspended accounts: aws-ia/terraform-aws-permission-sets filters them) and the whole
 * Organization expand to their ACTIVE accounts without the management account; that account is
 * reached only when named in `accounts`. Each OU and the Organization are read once per stack, and
 * each read stops the plan when an account's state cannot be read (UNKNOWN_ACCOUNT_STATE_MESSAGE).
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
    if (entry.accounts) return entry.accounts.map((account) => (account === 'current' ? this.props.currentAccountId : literal(account)));
    if (entry.organizationalUnits) return Fn.concat(entry.organizationalUnits.map((ou) => this.activeMembers(this.descendantsOf(ou).accounts)));
    return this.activeMembers(this.theOrganization().accounts);
  }

  /**
   * Stops the plan when one of these account ids is the current account, with this message: a user's access entry
   * naming by id the account where the base stack already assigns her the same permission set (app-config/schema.ts
   * refuses "current" itself; an id is known to be the current account only at plan time).
   */
  refuseCurrentAccount(accountIds: string[], errorMessage: string): void {
    const check = new DataAwsCallerIdentity(this, `not_current_${this.node.children.length}`, { provider: this.props.provider });
    addPostconditions(check, [{ condition: `\${!contains(${JSON.stringify(accountIds)}, self.account_id)}`, errorMessage }]);
  }

  private activeMembers(accounts: unknown): unknown {
    const management = this.theOrganization().masterAccountId;
    return TerraformIterator.fromList(accounts as string[]).forExpressionForList(`val.id if ${stateOf('val')} == "${REACHABLE_STATE}" && val.id != ${management}`);
  }

  private theOrganization(): DataAwsOrganizationsOrganization {
    if (!this.organization) {
      this.organization = new DataAwsOrganizationsOrganization(this, 'organization', { provider: this.props.provider });
      stopOnUnknownState(this.organization);
    }
    return this.organization;
  }

  private descendantsOf(parentId: string): DataAwsOrganizationsOrganizationalUnitDescendantAccounts {
    let found = this.descendants.get(parentId);
    if (!found) {
      found = new DataAwsOrganizationsOrganizationalUnitDescendantAccounts(this, `descendants_${parentId}`, { parentId: literal(parentId), provider: this.props.provider });
      stopOnUnknownState(found);
      this.descendants.set(parentId, found);
    }
    return found;
  }
}

function stopOnUnknownState(source: TerraformDataSource): void {
  addPostconditions(source, [{ condition: `\${alltrue([for account in self.accounts : ${stateOf('account')} != "UNKNOWN"])}`, errorMessage: UNKNOWN_ACCOUNT_STATE_MESSAGE }]);
}
