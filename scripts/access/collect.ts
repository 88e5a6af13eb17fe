/**
 * Reads one instance for the access report, read-only: sso-admin (permission sets, the accounts
 * each is provisioned to, their assignments, failed provisioning), the identity store (users,
 * groups, memberships), Organizations and STS (to expand the config's access entries by the
 * stacks' own rule), and Graph (Entra group members, the provisioning job's cycles, PIM).
 * Every listing is paged; every client is held to 20 requests a second (IAM Identity Center quotas:
 * 20 TPS for sso-admin together and per identity store API), each attempt counted for the benchmark.
 */
import { IdentitystoreClient, ListGroupMembershipsCommand, ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { DescribeOrganizationCommand, ListAccountsCommand, ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetProvisioningStatusCommand,
  ListPermissionSetsCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AccessEntry, accessStackName, AppConfig, InstanceName } from '../../app-config/schema';
import { OrganizationAccounts, reachedAccountIds } from '../../app-model/account-reach';
import { DirectoryApi, PimApi, PimSchedule, SynchronizationApi } from '../clients/graph';
import { pollUntil, rateLimiter } from '../retry';
import { explain } from '../runner';
import { all as pages } from '../steps/identity-store-users';
import { entraObjectId } from './findings';
import { AccountInfo, Assignment, AwsSnapshot, EntraSnapshot, IdentityGroup, MeantAccess, PimGroup, ProvisioningFailure, Readable, readable, unreadable } from './model';

// IAM Identity Center quotas (limits.md): sso-admin 20 TPS in all, the identity store 20 TPS per API.
export const REQUESTS_PER_SECOND = 20;

export interface AccessAwsClients {
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
  readonly organizations: OrganizationsClient;
  readonly sts: STSClient;
}

/** API calls made, by "client.Operation", every attempt counted (retries included). */
export type CallCount = Map<string, number>;

/**
 * Holds a client to the rate and counts its calls, inside the SDK's retry loop (after the retry
 * middleware of finalizeRequest), so a retried attempt waits its turn and is counted too.
 */
export function paceAndCount<C extends { middlewareStack: unknown }>(client: C, label: string, calls: CallCount): C {
  const gate = rateLimiter({ requests: REQUESTS_PER_SECOND, windowMs: 1000 });
  // Every SDK v3 client's stack takes the same middleware; only its input and output types differ.
  (client.middlewareStack as SSOAdminClient['middlewareStack']).add(
    (next, context) => async (args) => {
      await gate();
      const key = `${label}.${context.commandName?.replace(/Command$/, '')}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'accessReportPace' },
  );
  return client;
}

/** The report's AWS clients, each held to the rate and counted under its own label. */
export function pacedAccessClients(clients: AccessAwsClients, calls: CallCount): AccessAwsClients {
  return {
    ssoAdmin: paceAndCount(clients.ssoAdmin, 'ssoAdmin', calls),
    identityStore: paceAndCount(clients.identityStore, 'identityStore', calls),
    organizations: paceAndCount(clients.organizations, 'organizations', calls),
    sts: paceAndCount(clients.sts, 'sts', calls),
  };
}

async function permissionSets(ssoAdmin: SSOAdminClient, InstanceArn: string) {
  const arns = await pages(async (NextToken) => {
    const a = await ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn, NextToken }));
    return { items: a.PermissionSets, next: a.NextToken };
  });
  return Promise.all(arns.map(async (arn) => ({ arn, name: (await ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn: arn }))).PermissionSet?.Name ?? arn })));
}

/** Every assignment: per permission set, the accounts it is provisioned to, and each one's assignments. */
async function assignments(ssoAdmin: SSOAdminClient, InstanceArn: string, permissionSetArns: string[]): Promise<Assignment[]> {
  const found: Assignment[] = [];
  for (const PermissionSetArn of permissionSetArns) {
    const accounts = await pages(async (NextToken) => {
      const a = await ssoAdmin.send(new ListAccountsForProvisionedPermissionSetCommand({ InstanceArn, PermissionSetArn, NextToken }));
      return { items: a.AccountIds, next: a.NextToken };
    });
    for (const AccountId of accounts) {
      const listed = await pages(async (NextToken) => {
        const a = await ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn, AccountId, PermissionSetArn, NextToken }));
        return { items: a.AccountAssignments, next: a.NextToken };
      });
      found.push(...listed.map((a) => ({ accountId: AccountId, permissionSetArn: PermissionSetArn, principalType: a.PrincipalType as Assignment['principalType'], principalId: a.PrincipalId! })));
    }
  }
  return found;
}

async function identityStoreContents(client: IdentitystoreClient, IdentityStoreId: string) {
  const users = await pages(async (NextToken) => {
    const a = await client.send(new ListUsersCommand({ IdentityStoreId, NextToken }));
    return { items: a.Users, next: a.NextToken };
  });
  const groups = await pages(async (NextToken) => {
    const a = await client.send(new ListGroupsCommand({ IdentityStoreId, NextToken }));
    return { items: a.Groups, next: a.NextToken };
  });
  return {
    users: users.map((u) => ({ id: u.UserId!, userName: u.UserName ?? u.UserId!, externalIds: u.ExternalIds ?? [] })),
    groups: await Promise.all(groups.map(async (g) => ({ id: g.GroupId!, displayName: g.DisplayName ?? g.GroupId!, externalIds: g.ExternalIds ?? [], memberIds: await memberIds(client, IdentityStoreId, g.GroupId!) }))),
  };
}

export async function memberIds(client: IdentitystoreClient, IdentityStoreId: string, GroupId: string): Promise<string[]> {
  const memberships = await pages(async (NextToken) => {
    const a = await client.send(new ListGroupMembershipsCommand({ IdentityStoreId, GroupId, NextToken }));
    return { items: a.GroupMemberships, next: a.NextToken };
  });
  return memberships.map((m) => m.MemberId?.UserId).filter((id): id is string => Boolean(id));
}

async function provisioningFailures(ssoAdmin: SSOAdminClient, InstanceArn: string): Promise<ProvisioningFailure[]> {
  const failed = await pages(async (NextToken) => {
    const a = await ssoAdmin.send(new ListPermissionSetProvisioningStatusCommand({ InstanceArn, NextToken, Filter: { Status: 'FAILED' } }));
    return { items: a.PermissionSetsProvisioningStatus, next: a.NextToken };
  });
  return Promise.all(
    failed.map(async ({ RequestId }) => {
      const { PermissionSetProvisioningStatus: s } = await ssoAdmin.send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn, ProvisionPermissionSetRequestId: RequestId }));
      return { accountId: s?.AccountId ?? '?', permissionSetArn: s?.PermissionSetArn ?? '?', reason: s?.FailureReason ?? 'no reason given' };
    }),
  );
}

/**
 * The Organization as the stacks' data sources read it: OUs walked to every depth, every page. An
 * account's state is its State; Status only where State is absent (Organizations API reference,
 * Account: "The Status parameter in the Account object will be retired on September 9, 2026 ... use
 * the State parameter"). With neither, the state stays undefined for the report to name.
 */
export async function readOrganization(organizations: OrganizationsClient, sts: STSClient): Promise<OrganizationAccounts & { accounts: AccountInfo[] }> {
  const { Organization } = await organizations.send(new DescribeOrganizationCommand({}));
  const { Account } = await sts.send(new GetCallerIdentityCommand({}));
  const accounts = await pages(async (NextToken) => {
    const a = await organizations.send(new ListAccountsCommand({ NextToken }));
    return { items: a.Accounts, next: a.NextToken };
  });
  const asAccount = (a: { Id?: string; State?: string; Status?: string }) => ({ id: a.Id!, state: a.State ?? a.Status });
  const descendantsOf = async (ParentId: string): Promise<{ id: string; state?: string }[]> => {
    const direct = await pages(async (NextToken) => {
      const a = await organizations.send(new ListAccountsForParentCommand({ ParentId, NextToken }));
      return { items: a.Accounts, next: a.NextToken };
    });
    const children = await pages(async (NextToken) => {
      const a = await organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId, NextToken }));
      return { items: a.OrganizationalUnits, next: a.NextToken };
    });
    const below = await Promise.all(children.map((ou) => descendantsOf(ou.Id!)));
    return [...direct.map(asAccount), ...below.flat()];
  };
  // Access entries name the same OUs again and again (each group on each OU): walk each OU once.
  const walked = new Map<string, ReturnType<typeof descendantsOf>>();
  return {
    currentAccountId: Account!,
    managementAccountId: Organization!.MasterAccountId!,
    descendantsOf: (ParentId: string) => walked.get(ParentId) ?? walked.set(ParentId, descendantsOf(ParentId)).get(ParentId)!,
    allAccounts: async () => accounts.map(asAccount),
    accounts: accounts.map((a) => ({ ...asAccount(a), name: a.Name })),
  };
}

/** Whether an access entry needs the Organization: OUs and allAccounts do, named accounts and "current" do not. */
const needsOrganization = (entry: AccessEntry) => Boolean(entry.organizationalUnits || entry.allAccounts);

/**
 * The Organization as far as the instance's access entries need it. Entries on named accounts and
 * "current" need only the caller's account (STS), so an account outside any Organization, or a role
 * without Organizations permissions, still gets its report. An entry on OUs or allAccounts in an
 * account that is in no Organization (AWSOrganizationsNotInUseException, Organizations API reference)
 * gets a sentence that says so, not a permissions hint.
 */
export async function organizationFor(clients: Pick<AccessAwsClients, 'organizations' | 'sts'>, read: AwsRead): Promise<OrganizationAccounts & { accounts: AccountInfo[] }> {
  if (!read.config.identityCenter.access[read.instance].some(needsOrganization)) {
    const { Account } = await clients.sts.send(new GetCallerIdentityCommand({}));
    const unused = async (): Promise<never> => {
      throw new Error(`no access entry of ${read.instance} reaches OUs or the Organization`);
    };
    return { currentAccountId: Account!, managementAccountId: '', descendantsOf: unused, allAccounts: unused, accounts: [] };
  }
  try {
    return await readOrganization(clients.organizations, clients.sts);
  } catch (error) {
    if ((error as { name?: string }).name !== 'AWSOrganizationsNotInUseException') throw error;
    const { profile } = read.config.aws[read.instance];
    throw new Error(
      `The account of ${read.instance} (AWS profile ${profile}) is not in an AWS Organization (AWSOrganizationsNotInUseException), but identityCenter.access['${read.instance}'] reaches organizationalUnits or allAccounts: ` +
        'name the accounts in those entries (accounts: [...]), or use the profile of the Organization\'s management account, then run again.',
    );
  }
}

/** An access entry's targets in words, for findings. */
function scopeOf(entry: AccessEntry): string {
  if (entry.accounts) return `the accounts it names (${entry.accounts.join(', ')})`;
  const ous = entry.organizationalUnits;
  if (ous) return ous.length > 1 ? `OUs ${ous.join(', ')} and the OUs below them` : `OU ${ous[0]} and the OUs below it`;
  return "the Organization's member accounts";
}

/**
 * What the config means in this instance: the base stack's assignments on the current account, and
 * each access entry on the accounts the stacks' rule reaches. Users by their identity store UserName
 * (<userName>@<Entra default domain>), as the stacks look them up.
 */
export async function meantAccess(config: AppConfig, instance: InstanceName, organization: OrganizationAccounts, entraDomain: string): Promise<MeantAccess[]> {
  const userName = (name: string) => `${name}@${entraDomain}`;
  const base = config.identityCenter.assignments.map(
    (a): MeantAccess => ({ principalType: 'USER', principal: userName(a.user), permissionSet: a.permissionSet, stack: instance, accountIds: [organization.currentAccountId] }),
  );
  const access = await Promise.all(
    config.identityCenter.access[instance].map(
      async (entry): Promise<MeantAccess> => ({
        ...(entry.group ? { principalType: 'GROUP', principal: entry.group } : { principalType: 'USER', principal: userName(entry.user!) }),
        permissionSet: entry.permissionSet,
        stack: accessStackName(instance, entry.stack),
        scope: scopeOf(entry),
        accountIds: await reachedAccountIds(entry, organization),
      }),
    ),
  );
  return [...base, ...access];
}

async function attempt<T>(read: () => Promise<T>): Promise<Readable<T>> {
  try {
    return readable(await read());
  } catch (error) {
    return unreadable(explain(error));
  }
}

export interface AwsRead {
  readonly instance: InstanceName;
  readonly config: AppConfig;
  readonly entraDomain: string;
}

export async function collectAws(clients: AccessAwsClients, read: AwsRead): Promise<AwsSnapshot> {
  const { ssoAdmin, identityStore } = clients;
  const [instance] = (await ssoAdmin.send(new ListInstancesCommand({}))).Instances ?? [];
  if (!instance?.InstanceArn || !instance.IdentityStoreId) throw new Error(`Identity Center in ${read.instance} has no Organization instance: enable it in the console, then run again.`);
  const { InstanceArn, IdentityStoreId } = instance;
  const sets = await permissionSets(ssoAdmin, InstanceArn);
  const organization = await attempt(() => organizationFor(clients, read));
  return {
    instance: read.instance,
    instanceArn: InstanceArn,
    identityStoreId: IdentityStoreId,
    accounts: organization.readable ? organization.value.accounts : [],
    permissionSets: sets,
    assignments: await assignments(ssoAdmin, InstanceArn, sets.map((s) => s.arn)),
    ...(await identityStoreContents(identityStore, IdentityStoreId)),
    provisioningFailures: await attempt(() => provisioningFailures(ssoAdmin, InstanceArn)),
    meant: organization.readable ? await attempt(() => meantAccess(read.config, read.instance, organization.value, read.entraDomain)) : unreadable(organization.reason),
  };
}

/** The Graph reads the report makes (GraphApi's, or a fake). */
export interface EntraReads {
  readonly directory: Pick<DirectoryApi, 'groupMemberNames'>;
  readonly synchronization: Pick<SynchronizationApi, 'listSyncJobs'>;
  readonly pim: Pick<PimApi, 'pimSchedules'>;
}

/** A schedule whose window includes now (scheduleInfo start and expiration end, when set). */
const current = (s: PimSchedule, now: number) =>
  Date.parse(s.scheduleInfo?.startDateTime ?? '1970-01-01T00:00:00Z') <= now && (!s.scheduleInfo?.expiration?.endDateTime || Date.parse(s.scheduleInfo.expiration.endDateTime) > now);

async function pimOf(graph: EntraReads, objectIds: string[], names: Map<string, string>, now: number): Promise<Record<string, PimGroup>> {
  const state: Record<string, PimGroup> = {};
  for (const id of objectIds) {
    const members = (kind: 'eligibilitySchedules' | 'assignmentSchedules') => graph.pim.pimSchedules(kind, id).then((list) => list.filter((s) => s.accessId === 'member' && current(s, now)));
    const name = (principalId: string) => names.get(principalId) ?? principalId;
    state[id] = {
      eligible: (await members('eligibilitySchedules')).map((s) => name(s.principalId)),
      active: (await members('assignmentSchedules')).map((s) => ({ name: name(s.principalId), how: s.assignmentType ?? 'assigned' })),
    };
  }
  return state;
}

export interface EntraRead {
  /** The enterprise app's service principal, whose provisioning job dates the memberships; from the deploy record. */
  readonly servicePrincipalId?: string;
  /** Entra user object id → user principal name, to name PIM principals (the deploy record's users). */
  readonly userNames: Map<string, string>;
  readonly now: number;
}

export async function collectEntra(graph: EntraReads, groups: IdentityGroup[], read: EntraRead): Promise<EntraSnapshot> {
  const objectIds = groups.map(entraObjectId).filter((id): id is string => Boolean(id));
  const entries = await Promise.all(objectIds.map(async (id) => [id, await attempt(() => graph.directory.groupMemberNames(id))] as const));
  const cycle = read.servicePrincipalId
    ? await attempt(async () => {
        const [job] = await graph.synchronization.listSyncJobs(read.servicePrincipalId!);
        if (!job) throw new Error(`the app's service principal ${read.servicePrincipalId} has no provisioning job`);
        return { lastExecution: job.status.lastExecution, lastSuccessfulExecution: job.status.lastSuccessfulExecution };
      })
    : unreadable<EntraSnapshot['cycle'] extends Readable<infer T> ? T : never>('no deploy record names the app: deploy first');
  return { readAt: new Date(read.now).toISOString(), groups: Object.fromEntries(entries), cycle, pim: await attempt(() => pimOf(graph, objectIds, read.userNames, read.now)) };
}

/**
 * Waits for a provisioning cycle that begins after `since` and succeeds (one cycle and a half at
 * most), so a difference seen before it can be told apart: still there afterwards, it is drift.
 */
export async function waitForCycle(graph: EntraReads, servicePrincipalId: string, since: string, cycleMs: number): Promise<void> {
  await pollUntil(
    async () => {
      const [job] = await graph.synchronization.listSyncJobs(servicePrincipalId);
      const last = job?.status.lastSuccessfulExecution;
      return last?.timeBegan && Date.parse(last.timeBegan) >= Date.parse(since) ? true : undefined;
    },
    { description: `a provisioning cycle of service principal ${servicePrincipalId} begins after ${since} and succeeds`, timeoutMs: cycleMs * 1.5, intervalMs: Math.min(cycleMs / 4, 60_000) },
  );
}
