/**
 * Builds an AWS Organization in the emulator through the public Organizations API (moto answers it),
 * and remembers what it built, so the rehearsal and the benchmark derive every expected count from
 * this record rather than from the product's output.
 */
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  DescribeCreateAccountStatusCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';

export interface OrganizationShape {
  /** OU names; "A/B" makes B a child of A (A listed first), to exercise the descendant walk. */
  readonly organizationalUnits: string[];
  /** Member accounts, spread over the OUs in turn. */
  readonly accounts: number;
  /** How many of those accounts are then closed (SUSPENDED), to prove the ACTIVE filter. */
  readonly suspended: number;
}

export interface BuiltAccount {
  readonly id: string;
  readonly ou: string;
  readonly active: boolean;
}

export interface BuiltOrganization {
  readonly managementAccountId: string;
  readonly rootId: string;
  /** OU name → id. */
  readonly organizationalUnits: Map<string, string>;
  readonly accounts: BuiltAccount[];
}

/** The ACTIVE member accounts in an OU and every OU below it (what an access entry on that OU expands to). */
export function activeAccountsUnder(organization: BuiltOrganization, ouName: string): string[] {
  return organization.accounts.filter((a) => a.active && (a.ou === ouName || a.ou.startsWith(`${ouName}/`))).map((a) => a.id);
}

export async function buildOrganization(client: OrganizationsClient, shape: OrganizationShape): Promise<BuiltOrganization> {
  const { Organization } = await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await client.send(new ListRootsCommand({}))).Roots![0].Id!;
  const organizationalUnits = new Map<string, string>();
  for (const name of shape.organizationalUnits) {
    const parent = name.includes('/') ? organizationalUnits.get(name.slice(0, name.lastIndexOf('/'))) : rootId;
    if (!parent) throw new Error(`OU ${name}: its parent must be listed before it`);
    const { OrganizationalUnit } = await client.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name.split('/').pop() }));
    organizationalUnits.set(name, OrganizationalUnit!.Id!);
  }
  const accounts: BuiltAccount[] = [];
  for (let i = 0; i < shape.accounts; i += 1) {
    const ou = shape.organizationalUnits[i % shape.organizationalUnits.length];
    const id = await createAccount(client, `member-${i + 1}`);
    await client.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: organizationalUnits.get(ou) }));
    const active = i >= shape.suspended;
    if (!active) await client.send(new CloseAccountCommand({ AccountId: id }));
    accounts.push({ id, ou, active });
  }
  return { managementAccountId: Organization!.MasterAccountId!, rootId, organizationalUnits, accounts };
}

async function createAccount(client: OrganizationsClient, name: string): Promise<string> {
  const { CreateAccountStatus } = await client.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  const { CreateAccountStatus: status } = await client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: CreateAccountStatus!.Id }));
  if (status?.State !== 'SUCCEEDED' || !status.AccountId) throw new Error(`Account ${name} was not created: ${status?.State} ${status?.FailureReason ?? ''}`);
  return status.AccountId;
}
