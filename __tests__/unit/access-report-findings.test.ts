import { DescribeOrganizationCommand, ListAccountsCommand, ListAccountsForParentCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { reachedAccountIds } from '../../app-model/account-reach';
import { readOrganization } from '../../scripts/access/collect';
import { accessFindings, CYCLE_MS, isManaged } from '../../scripts/access/findings';
import { AwsSnapshot, EntraSnapshot, readable, unreadable } from '../../scripts/access/model';

const SCIM = [{ Issuer: 'arn:aws:identitystore:::provisioningtenant/t-1', Id: 'entra-base' }];
const PS = 'arn:aws:sso:::permissionSet/ssoins-1/ps-1';
const NOW = Date.parse('2026-11-23T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

/** An instance where everything is as the config says: one SCIM group with both users, assigned BaseViewOnly on one account. */
function aws(overrides: Partial<AwsSnapshot> = {}): AwsSnapshot {
  return {
    instance: 'aws-commercial',
    instanceArn: 'arn:aws:sso:::instance/ssoins-1',
    identityStoreId: 'd-1234567890',
    accounts: [{ id: '111111111111', name: 'member-1', state: 'ACTIVE' }],
    permissionSets: [{ arn: PS, name: 'BaseViewOnly' }],
    assignments: [{ accountId: '111111111111', permissionSetArn: PS, principalType: 'GROUP', principalId: 'g-1' }],
    users: [
      { id: 'u-nikki', userName: 'NikkiWolf@contoso.com', externalIds: [] },
      { id: 'u-rich', userName: 'RichRoe@contoso.com', externalIds: SCIM },
    ],
    groups: [{ id: 'g-1', displayName: 'AWS-Base', externalIds: SCIM, memberIds: ['u-nikki', 'u-rich'] }],
    provisioningFailures: readable([]),
    meant: readable([{ principalType: 'GROUP', principal: 'AWS-Base', permissionSet: 'BaseViewOnly', stack: 'aws-commercial-access', scope: 'accounts 111111111111', accountIds: ['111111111111'] }]),
    ...overrides,
  };
}

function entra(overrides: Partial<EntraSnapshot> = {}): EntraSnapshot {
  return {
    readAt: new Date(NOW).toISOString(),
    groups: { 'entra-base': readable(['NikkiWolf@contoso.com', 'RichRoe@contoso.com']) },
    cycle: readable({ lastSuccessfulExecution: { state: 'Succeeded', timeBegan: minutesAgo(11), timeEnded: minutesAgo(10) } }),
    pim: readable({}),
    ...overrides,
  };
}

const kinds = (a: AwsSnapshot, e: EntraSnapshot) => accessFindings(a, e, { now: NOW, cycleMs: CYCLE_MS }).map((f) => `${f.kind}${f.needsAction ? '!' : ''}: ${f.subject}`);

describe('access report findings', () => {
  it('finds nothing when the instance is as the config says', () => {
    expect(kinds(aws(), entra())).toEqual([]);
  });

  it('an assignment whose principal is gone from the identity store is an orphan, with the delete command; what the config gives that group is missing', () => {
    const findings = accessFindings(aws({ groups: [] }), entra(), { now: NOW, cycleMs: CYCLE_MS });
    expect(findings.map((f) => `${f.kind}: ${f.subject}`)).toEqual(['orphan: GROUP g-1 on account 111111111111 (member-1) / BaseViewOnly', 'missing: GROUP AWS-Base on account 111111111111 (member-1) / BaseViewOnly']);
    expect(findings[0]).toMatchObject({ needsAction: true, subject: 'GROUP g-1 on account 111111111111 (member-1) / BaseViewOnly' });
    expect(findings[0].action).toContain('aws sso-admin delete-account-assignment --instance-arn arn:aws:sso:::instance/ssoins-1 --target-id 111111111111 --target-type AWS_ACCOUNT --permission-set-arn');
  });

  it('an assignment the config does not mean is unmanaged; what the config means is not', () => {
    const extra = { accountId: '111111111111', permissionSetArn: PS, principalType: 'USER' as const, principalId: 'u-nikki' };
    const findings = accessFindings(aws({ assignments: [...aws().assignments, extra] }), entra(), { now: NOW, cycleMs: CYCLE_MS });
    expect(findings.map((f) => `${f.kind}: ${f.subject}`)).toEqual(['unmanaged: USER NikkiWolf@contoso.com on account 111111111111 (member-1) / BaseViewOnly']);
    expect(findings[0].action).toMatch(/identityCenter\.access\['aws-commercial'\].*or delete it/);
  });

  describe('when an account moves', () => {
    // The access entry names GROUP AWS-Base / BaseViewOnly on an OU; today it reaches 111111111111 only.
    const onOu = { principalType: 'GROUP' as const, principal: 'AWS-Base', permissionSet: 'BaseViewOnly', stack: 'aws-commercial-access-workloads', scope: 'OU ou-ab12-workload and the OUs below it', accountIds: ['111111111111'] };
    const accounts = [
      { id: '111111111111', name: 'member-1', state: 'ACTIVE' },
      { id: '222222222222', name: 'member-2', state: 'SUSPENDED' },
      { id: '333333333333', name: 'member-3', state: 'ACTIVE' },
    ];
    const on = (accountId: string, principalType: 'USER' | 'GROUP' = 'GROUP', principalId = 'g-1') => ({ accountId, permissionSetArn: PS, principalType, principalId });
    const findingsOf = (overrides: Partial<AwsSnapshot>) => accessFindings(aws({ accounts, meant: readable([onOu]), ...overrides }), entra(), { now: NOW, cycleMs: CYCLE_MS });

    it("an entry's assignment on an account no longer ACTIVE, out of its OU, or gone from the Organization is out-of-scope: the next deploy of its stack deletes it", () => {
      const findings = findingsOf({ assignments: [on('111111111111'), on('222222222222'), on('333333333333'), on('999999999999')] });
      expect(findings.map((f) => `${f.kind}${f.needsAction ? '!' : ''}: ${f.subject}`)).toEqual([
        'out-of-scope!: GROUP AWS-Base on account 222222222222 (member-2) / BaseViewOnly',
        'out-of-scope!: GROUP AWS-Base on account 333333333333 (member-3) / BaseViewOnly',
        'out-of-scope!: GROUP AWS-Base on account 999999999999 / BaseViewOnly',
      ]);
      expect(findings.map((f) => f.detail)).toEqual([
        expect.stringContaining('account 222222222222 (member-2) is no longer ACTIVE (State SUSPENDED)'),
        expect.stringContaining('account 333333333333 (member-3) is no longer in OU ou-ab12-workload and the OUs below it'),
        expect.stringContaining('account 999999999999 is no longer in the Organization'),
      ]);
      for (const f of findings) expect(f.action).toContain('the next deploy of aws-commercial-access-workloads (npm run deploy) deletes this assignment');
      // Not "made outside Terraform": that is what unmanaged says.
      expect(findings.every((f) => !f.detail.includes('outside Terraform'))).toBe(true);
      expect(isManaged(aws({ accounts, meant: readable([onOu]) }), on('222222222222'))).toBe(false);
    });

    it('an assignment for a principal and permission set no access entry names stays unmanaged, on any account', () => {
      // NikkiWolf's base assignment (identityCenter.assignments, the current account) is not an access entry.
      const base = { principalType: 'USER' as const, principal: 'NikkiWolf@contoso.com', permissionSet: 'BaseViewOnly', stack: 'aws-commercial', accountIds: ['111111111111'] };
      const findings = findingsOf({ meant: readable([onOu, base]), assignments: [on('111111111111'), on('111111111111', 'USER', 'u-nikki'), on('222222222222', 'USER', 'u-rich'), on('333333333333', 'USER', 'u-nikki')] });
      expect(findings.map((f) => `${f.kind}: ${f.subject}`)).toEqual(['unmanaged: USER RichRoe@contoso.com on account 222222222222 (member-2) / BaseViewOnly', 'unmanaged: USER NikkiWolf@contoso.com on account 333333333333 (member-3) / BaseViewOnly']);
    });

    it('an assignment the config gives that the instance does not have is missing: deploy its stack', () => {
      const findings = findingsOf({ meant: readable([{ ...onOu, accountIds: ['111111111111', '333333333333'] }]) });
      expect(findings).toEqual([
        expect.objectContaining({
          kind: 'missing',
          needsAction: true,
          subject: 'GROUP AWS-Base on account 333333333333 (member-3) / BaseViewOnly',
          detail: 'the config gives GROUP AWS-Base BaseViewOnly on account 333333333333 (member-3) (access entry on OU ou-ab12-workload and the OUs below it); the instance has no such assignment',
          action: 'deploy aws-commercial-access-workloads (npm run deploy)',
        }),
      ]);
      const base = { principalType: 'USER' as const, principal: 'NikkiWolf@contoso.com', permissionSet: 'RegionalAdmin', stack: 'aws-commercial', accountIds: ['111111111111'] };
      expect(findingsOf({ meant: readable([onOu, base]) }).map((f) => `${f.kind}: ${f.subject} — ${f.action}`)).toEqual(['missing: USER NikkiWolf@contoso.com on account 111111111111 (member-1) / RegionalAdmin — deploy aws-commercial (npm run deploy)']);
    });

    it('an account whose state Organizations did not give (neither State nor Status) is a finding, not silently unreachable', () => {
      const unread = [...accounts, { id: '555555555555', name: 'member-5' }];
      const snapshot = aws({ accounts: unread, meant: readable([onOu]), assignments: [on('111111111111'), on('555555555555')] });
      const findings = accessFindings(snapshot, entra(), { now: NOW, cycleMs: CYCLE_MS });
      expect(findings.map((f) => `${f.kind}${f.needsAction ? '!' : ''}: ${f.subject}`)).toEqual(['not-readable!: account 555555555555 (member-5)']);
      expect(findings[0].detail).toContain('neither State nor Status');
      // Whether the entry still means its assignment there is not known: neither yes nor no.
      expect(isManaged(snapshot, on('555555555555'))).toBeUndefined();
    });
  });

  it('a difference with the Entra group while the job cycles on time is lag, no action; with no cycle for longer than one, drift', () => {
    const onlyNikki = entra({ groups: { 'entra-base': readable(['NikkiWolf@contoso.com']) } });
    const lag = accessFindings(aws(), onlyNikki, { now: NOW, cycleMs: CYCLE_MS });
    expect(lag).toEqual([expect.objectContaining({ kind: 'lag', needsAction: false, subject: 'group AWS-Base' })]);
    expect(lag[0].detail).toContain('in Identity Center, not in Entra: RichRoe@contoso.com');
    expect(lag[0].detail).toContain('last successful provisioning cycle ended 10 min ago');
    const stalled = entra({ groups: onlyNikki.groups, cycle: readable({ lastSuccessfulExecution: { state: 'Succeeded', timeBegan: minutesAgo(91), timeEnded: minutesAgo(90) } }) });
    expect(kinds(aws(), stalled)).toEqual(['drift!: group AWS-Base']);
  });

  it('a difference that outlived a cycle begun after it was seen is drift', () => {
    const seen = entra({ groups: { 'entra-base': readable(['NikkiWolf@contoso.com']) }, differenceSeenAt: { 'entra-base': minutesAgo(12) } });
    const findings = accessFindings(aws(), seen, { now: NOW, cycleMs: CYCLE_MS });
    expect(findings.map((f) => f.kind)).toEqual(['drift']);
    expect(findings[0].action).toContain('Entra');
  });

  it('no successful cycle at all makes any difference drift', () => {
    const never = entra({ groups: { 'entra-base': readable(['NikkiWolf@contoso.com', 'RichRoe@contoso.com', 'Ann@contoso.com']) }, cycle: readable({ lastSuccessfulExecution: null }) });
    const [finding] = accessFindings(aws(), never, { now: NOW, cycleMs: CYCLE_MS });
    expect(finding).toMatchObject({ kind: 'drift', needsAction: true });
    expect(finding.detail).toContain('in Entra, not in Identity Center: Ann@contoso.com');
  });

  it('a group not made by SCIM is not compared with Entra', () => {
    const handMade = aws({ groups: [{ id: 'g-1', displayName: 'AWS-Base', externalIds: [], memberIds: [] }] });
    expect(kinds(handMade, entra())).toEqual([]);
  });

  it('a failed permission set provisioning is a finding with its reason and the re-provision command', () => {
    const failed = aws({ provisioningFailures: readable([{ accountId: '111111111111', permissionSetArn: PS, reason: 'Received a 404 status error: Policy ReadOnlyBoundary does not exist' }]) });
    const [finding] = accessFindings(failed, entra(), { now: NOW, cycleMs: CYCLE_MS });
    expect(finding).toMatchObject({ kind: 'provisioning-failed', needsAction: true, subject: 'account 111111111111 (member-1) / BaseViewOnly' });
    expect(finding.detail).toContain('ReadOnlyBoundary');
    expect(finding.action).toContain('aws sso-admin provision-permission-set');
  });

  it('PIM: who is eligible and who is active now informs; unreadable PIM says so without action', () => {
    const pim = entra({ pim: readable({ 'entra-base': { eligible: ['NikkiWolf@contoso.com', 'RichRoe@contoso.com'], active: [{ name: 'NikkiWolf@contoso.com', how: 'activated' }] } }) });
    const [finding] = accessFindings(aws(), pim, { now: NOW, cycleMs: CYCLE_MS });
    expect(finding).toMatchObject({ kind: 'pim', needsAction: false, subject: 'group AWS-Base' });
    expect(finding.detail).toBe('eligible: NikkiWolf@contoso.com, RichRoe@contoso.com; active now: NikkiWolf@contoso.com (activated)');
    expect(kinds(aws(), entra({ pim: unreadable('Graph answered 404') }))).toEqual(['not-readable: PIM']);
  });

  it('parts that cannot be read are named, and an unreadable config comparison needs action', () => {
    expect(kinds(aws({ meant: unreadable('AccessDenied'), provisioningFailures: unreadable('AccessDenied') }), entra())).toEqual(['not-readable!: which assignments Terraform manages', 'not-readable: permission set provisioning']);
  });
});

describe('the account rule the stacks plan with, run against a read Organization', () => {
  const organization = {
    currentAccountId: '000000000000',
    managementAccountId: '000000000000',
    descendantsOf: async (ou: string) => (ou === 'ou-ab12-workload' ? [{ id: '111111111111', state: 'ACTIVE' }, { id: '222222222222', state: 'SUSPENDED' }, { id: '000000000000', state: 'ACTIVE' }] : []),
    allAccounts: async () => [{ id: '000000000000', state: 'ACTIVE' }, { id: '111111111111', state: 'ACTIVE' }, { id: '333333333333', state: 'PENDING_CLOSURE' }],
  };
  const entry = { group: 'AWS-Base', permissionSet: 'BaseViewOnly' };
  it('current is the caller, OUs and the Organization reach ACTIVE accounts without the management account', async () => {
    expect(await reachedAccountIds({ ...entry, accounts: ['current', '444444444444'] }, organization)).toEqual(['000000000000', '444444444444']);
    expect(await reachedAccountIds({ ...entry, organizationalUnits: ['ou-ab12-workload'] }, organization)).toEqual(['111111111111']);
    expect(await reachedAccountIds({ ...entry, allAccounts: true }, organization)).toEqual(['111111111111']);
  });

  /** An Organizations client that answers from a list, as AWS does with State only, with both, or (before 2026-09-09) with Status only. */
  function organizationsAnswering(accounts: { Id: string; Name: string; State?: string; Status?: string }[]): OrganizationsClient {
    const send = async (command: object) => {
      if (command instanceof DescribeOrganizationCommand) return { Organization: { MasterAccountId: '000000000000' } };
      if (command instanceof ListAccountsCommand) return { Accounts: accounts };
      if (command instanceof ListAccountsForParentCommand) return { Accounts: command.input.ParentId === 'ou-ab12-workload' ? accounts : [] };
      return { OrganizationalUnits: [] };
    };
    return { send } as unknown as OrganizationsClient;
  }
  const sts = { send: async () => ({ Account: '000000000000' }) } as unknown as STSClient;

  it('reads State, and Status only where State is absent: State only, both (State wins) and Status only each reach ACTIVE accounts', async () => {
    const read = await readOrganization(
      organizationsAnswering([
        { Id: '111111111111', Name: 'state-only', State: 'ACTIVE' },
        { Id: '222222222222', Name: 'both', State: 'SUSPENDED', Status: 'ACTIVE' },
        { Id: '333333333333', Name: 'status-only', Status: 'ACTIVE' },
        { Id: '444444444444', Name: 'both-active', State: 'ACTIVE', Status: 'ACTIVE' },
        { Id: '555555555555', Name: 'neither' },
      ]),
      sts,
    );
    const reached = ['111111111111', '333333333333', '444444444444'];
    expect(await reachedAccountIds({ ...entry, organizationalUnits: ['ou-ab12-workload'] }, read)).toEqual(reached);
    expect(await reachedAccountIds({ ...entry, allAccounts: true }, read)).toEqual(reached);
    // The account with neither is kept, its state unknown, so the report can say so (not dropped as unreachable).
    expect(read.accounts).toEqual([
      { id: '111111111111', name: 'state-only', state: 'ACTIVE' },
      { id: '222222222222', name: 'both', state: 'SUSPENDED' },
      { id: '333333333333', name: 'status-only', state: 'ACTIVE' },
      { id: '444444444444', name: 'both-active', state: 'ACTIVE' },
      { id: '555555555555', name: 'neither', state: undefined },
    ]);
  });
});
