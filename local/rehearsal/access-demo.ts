/**
 * The access report in the rehearsal (docs/access-report.md): `npm run access` after deploy must find nothing in
 * either instance; then three faults an operator meets are made by hand in the AWS emulator, beside
 * Terraform and Entra, and the report must name each one; then they are undone, so the second deploy
 * still plans nothing and destroy still leaves nothing. What each check expects is derived from the
 * objects made here (their ids and names), never from the report itself.
 */
import { CreateGroupMembershipCommand, CreateUserCommand, DeleteGroupMembershipCommand, DeleteUserCommand, GetGroupIdCommand, IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListPermissionSetsCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { main as federation } from '../../scripts/federation';
import type { FederationInput } from '../../scripts/federation-input';
import type { AccessReport } from '../../scripts/access/render';
import type { AccessFinding } from '../../scripts/access/model';
import { pollUntil } from '../../scripts/retry';
import type { BuiltOrganization } from './organization';
import { Report } from './report';

type Credentials = { accessKeyId: string; secretAccessKey: string };

export interface AccessDemoInput {
  readonly endpoint: string;
  readonly credentials: Credentials;
  /** The federation link's input (deploy record) of the instance the faults are made in. */
  readonly link: Pick<FederationInput, 'instance' | 'region' | 'instanceArn' | 'identityStoreId' | 'groups' | 'scimUsers' | 'samlUsers'>;
  /** The rehearsal config the stacks were synthesized with: the report compares the instance with it. */
  readonly config: unknown;
  readonly organization: BuiltOrganization;
  /** The Entra emulator's provisioning cycle, so the report's lag rule and --wait-for-cycle use it. */
  readonly cycleMs: number;
  readonly onLine: (line: string) => void;
}

/** An assignment made by hand, to be deleted again. */
interface MadeAssignment {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly principalType: 'USER' | 'GROUP';
  readonly principalId: string;
}

/** Everything made by hand, and what the report must say about each. */
interface Faults {
  readonly orphan: MadeAssignment & { readonly userName: string };
  readonly unmanaged: MadeAssignment & { readonly userName: string };
  readonly drift: { readonly groupId: string; readonly groupName: string; readonly membershipId: string; readonly userName: string };
}

export async function accessDemo(report: Report, input: AccessDemoInput): Promise<void> {
  const clean = await runAccess(input, false);
  for (const instance of clean.report.instances) {
    const findings = instance.readable ? worthReporting(instance.findings) : [];
    report.check(`access report after deploy: no finding in ${instance.instance}`, instance.readable && findings.length === 0 && clean.code === 0, instance.readable ? describe(findings) : instance.reason);
  }
  const clients = awsClientsOf(input);
  const made = await makeFaults(clients, input);
  input.onLine('an orphan, an unmanaged assignment and a membership drift made by hand; reading again after a provisioning cycle');
  const faulty = await runAccess(input, true);
  const found = findingsOf(faulty.report, input.link.instance);
  for (const [what, expected] of expectations(made)) {
    const hit = found.find((f) => f.kind === expected.kind && expected.subject.every((part) => f.subject.includes(part)));
    report.check(`access report finds ${what} made by hand in ${input.link.instance}`, Boolean(hit?.needsAction) && faulty.code === 1, hit ? `${hit.kind}: ${hit.subject} — ${hit.detail}` : `no ${expected.kind} finding naming ${expected.subject.join(' and ')}; found: ${describe(found)}`);
  }
  await undoFaults(clients, input, made);
  const undone = await runAccess(input, false);
  const left = findingsOf(undone.report, input.link.instance);
  report.check(`access report after undoing them: no finding in ${input.link.instance}`, left.length === 0 && undone.code === 0, describe(left));
}

/** Informational findings (who is eligible through PIM) are the config's own state, not something found wrong. */
const worthReporting = (findings: AccessFinding[]) => findings.filter((f) => f.kind !== 'pim');

const describe = (findings: AccessFinding[]) => findings.map((f) => `${f.kind}: ${f.subject}`).join('; ') || 'none';

function findingsOf(report: AccessReport, instance: string): AccessFinding[] {
  const read = report.instances.find((i) => i.instance === instance);
  if (!read?.readable) throw new Error(`the access report could not read ${instance}: ${read && !read.readable ? read.reason : 'absent'}`);
  return worthReporting(read.findings);
}

/** The product's own command, as an operator runs it: `npm run access -- --json [--wait-for-cycle]`. */
export async function runAccess(input: Pick<AccessDemoInput, 'config' | 'cycleMs'>, waitForCycle: boolean): Promise<{ code: number; report: AccessReport }> {
  const printed: string[] = [];
  const argv = ['access', '--json', ...(waitForCycle ? ['--wait-for-cycle'] : [])];
  const code = await federation(argv, process.env, { print: (line) => printed.push(line), provisioningCycleMs: input.cycleMs, rawConfig: input.config });
  return { code, report: JSON.parse(printed.join('\n')) };
}

function expectations(made: Faults): [string, { kind: AccessFinding['kind']; subject: string[] }][] {
  return [
    // An orphan is named by the principal id it still points at: the name is gone with the user.
    ['an orphan (the assigned user deleted from the identity store)', { kind: 'orphan', subject: [`USER ${made.orphan.principalId}`, made.orphan.accountId] }],
    ['an unmanaged assignment (no config entry means it)', { kind: 'unmanaged', subject: [`USER ${made.unmanaged.userName}`, made.unmanaged.accountId] }],
    ['a membership drift (a member added in the identity store, not in Entra)', { kind: 'drift', subject: [`group ${made.drift.groupName}`] }],
  ];
}

interface Clients {
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
}

function awsClientsOf(input: AccessDemoInput): Clients {
  // The emulator holds sso-admin to 20 calls a second, as AWS does: retry throttling patiently.
  const config = { region: input.link.region, endpoint: input.endpoint, credentials: input.credentials, retryMode: 'adaptive', maxAttempts: 10 };
  return { ssoAdmin: new SSOAdminClient(config), identityStore: new IdentitystoreClient(config) };
}

async function makeFaults(clients: Clients, input: AccessDemoInput): Promise<Faults> {
  const { identityStore } = clients;
  const { link } = input;
  const IdentityStoreId = link.identityStoreId;
  const [first, second] = input.organization.accounts.filter((a) => a.active).map((a) => a.id);
  const permissionSetArn = await anyPermissionSet(clients.ssoAdmin, link.instanceArn);
  // The link's own users (not a probe left disabled by an earlier phase), as SCIM made them.
  const known = new Set([...link.scimUsers, ...link.samlUsers].map((u) => u.userPrincipalName));
  const users = ((await identityStore.send(new ListUsersCommand({ IdentityStoreId }))).Users ?? []).filter((u) => known.has(u.UserName!));

  const orphanName = `access-demo-orphan@${link.identityStoreId}.example`;
  const { UserId: orphanId } = await identityStore.send(new CreateUserCommand({ IdentityStoreId, UserName: orphanName, DisplayName: 'Access demo orphan', Name: { GivenName: 'Access', FamilyName: 'Orphan' } }));
  const orphan = { accountId: first, permissionSetArn, principalType: 'USER' as const, principalId: orphanId!, userName: orphanName };
  // A SCIM user given a permission set directly on a member account: the config grants only groups there.
  const someone = users[0];
  if (!someone) throw new Error(`none of the link's users is in the identity store of ${link.instance}`);
  const unmanaged = { accountId: second, permissionSetArn, principalType: 'USER' as const, principalId: someone.UserId!, userName: someone.UserName! };
  await Promise.all([orphan, unmanaged].map((a) => assign(clients.ssoAdmin, link.instanceArn, a, 'create')));
  await identityStore.send(new DeleteUserCommand({ IdentityStoreId, UserId: orphanId }));

  // A user added to a SCIM group in the identity store only: Entra's group does not have them.
  const outsiderOf = (group: FederationInput['groups'][number]) => users.find((u) => !group.members.some((m) => m.userPrincipalName === u.UserName));
  const group = link.groups.find(outsiderOf);
  if (!group) throw new Error(`every user of ${link.instance} is in every group: no one to add by hand`);
  const outsider = outsiderOf(group)!;
  const groupId = await groupIdOf(identityStore, IdentityStoreId, group.displayName);
  const { MembershipId } = await identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId, GroupId: groupId, MemberId: { UserId: outsider.UserId! } }));
  return { orphan, unmanaged, drift: { groupId, groupName: group.displayName, membershipId: MembershipId!, userName: outsider.UserName! } };
}

async function undoFaults(clients: Clients, input: AccessDemoInput, made: Faults): Promise<void> {
  await Promise.all([made.orphan, made.unmanaged].map((a) => assign(clients.ssoAdmin, input.link.instanceArn, a, 'delete')));
  await clients.identityStore.send(new DeleteGroupMembershipCommand({ IdentityStoreId: input.link.identityStoreId, MembershipId: made.drift.membershipId }));
}

async function anyPermissionSet(ssoAdmin: SSOAdminClient, InstanceArn: string): Promise<string> {
  const [arn] = (await ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn }))).PermissionSets ?? [];
  if (!arn) throw new Error(`no permission set in ${InstanceArn} after deploy`);
  return arn;
}

async function groupIdOf(identityStore: IdentitystoreClient, IdentityStoreId: string, displayName: string): Promise<string> {
  const { GroupId } = await identityStore.send(new GetGroupIdCommand({ IdentityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: displayName } } }));
  return GroupId!;
}

/** Creates or deletes an assignment and waits until AWS says it is done (both are asynchronous: sso-admin API reference). */
async function assign(ssoAdmin: SSOAdminClient, InstanceArn: string, a: MadeAssignment, how: 'create' | 'delete'): Promise<void> {
  const request = { InstanceArn, TargetId: a.accountId, TargetType: 'AWS_ACCOUNT' as const, PermissionSetArn: a.permissionSetArn, PrincipalType: a.principalType, PrincipalId: a.principalId };
  const requestId =
    how === 'create'
      ? (await ssoAdmin.send(new CreateAccountAssignmentCommand(request))).AccountAssignmentCreationStatus?.RequestId
      : (await ssoAdmin.send(new DeleteAccountAssignmentCommand(request))).AccountAssignmentDeletionStatus?.RequestId;
  await pollUntil(
    async () => {
      const status =
        how === 'create'
          ? (await ssoAdmin.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn, AccountAssignmentCreationRequestId: requestId }))).AccountAssignmentCreationStatus
          : (await ssoAdmin.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn, AccountAssignmentDeletionRequestId: requestId }))).AccountAssignmentDeletionStatus;
      if (status?.Status === 'FAILED') throw new Error(`${how} of the hand-made assignment failed: ${status.FailureReason}`);
      return status?.Status === 'SUCCEEDED' ? true : undefined;
    },
    { description: `the hand-made assignment's ${how} request ${requestId} succeeds`, timeoutMs: 30_000, intervalMs: 500 },
  );
}
