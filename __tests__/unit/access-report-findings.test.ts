import { reachedAccountIds } from '../../constructs/account-targets';
import { accessFindings, CYCLE_MS } from '../../scripts/access/findings';
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
    accounts: [{ id: '111111111111', name: 'member-1' }],
    permissionSets: [{ arn: PS, name: 'BaseViewOnly' }],
    assignments: [{ accountId: '111111111111', permissionSetArn: PS, principalType: 'GROUP', principalId: 'g-1' }],
    users: [
      { id: 'u-nikki', userName: 'NikkiWolf@contoso.com', externalIds: [] },
      { id: 'u-rich', userName: 'RichRoe@contoso.com', externalIds: SCIM },
    ],
    groups: [{ id: 'g-1', displayName: 'AWS-Base', externalIds: SCIM, memberIds: ['u-nikki', 'u-rich'] }],
    provisioningFailures: readable([]),
    managed: readable(['111111111111|BaseViewOnly|GROUP|AWS-Base']),
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

  it('an assignment whose principal is gone from the identity store is an orphan, with the delete command', () => {
    const findings = accessFindings(aws({ groups: [] }), entra(), { now: NOW, cycleMs: CYCLE_MS });
    expect(findings.map((f) => f.kind)).toEqual(['orphan']);
    expect(findings[0]).toMatchObject({ needsAction: true, subject: 'GROUP g-1 on account 111111111111 (member-1) / BaseViewOnly' });
    expect(findings[0].action).toContain('aws sso-admin delete-account-assignment --instance-arn arn:aws:sso:::instance/ssoins-1 --target-id 111111111111 --target-type AWS_ACCOUNT --permission-set-arn');
  });

  it('an assignment the config does not mean is unmanaged; what the config means is not', () => {
    const extra = { accountId: '111111111111', permissionSetArn: PS, principalType: 'USER' as const, principalId: 'u-nikki' };
    const findings = accessFindings(aws({ assignments: [...aws().assignments, extra] }), entra(), { now: NOW, cycleMs: CYCLE_MS });
    expect(findings.map((f) => `${f.kind}: ${f.subject}`)).toEqual(['unmanaged: USER NikkiWolf@contoso.com on account 111111111111 (member-1) / BaseViewOnly']);
    expect(findings[0].action).toMatch(/identityCenter\.access\['aws-commercial'\].*or delete it/);
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
    expect(kinds(aws({ managed: unreadable('AccessDenied'), provisioningFailures: unreadable('AccessDenied') }), entra())).toEqual(['not-readable!: which assignments Terraform manages', 'not-readable: permission set provisioning']);
  });
});

describe('the account rule the stacks plan with, run against a read Organization', () => {
  const organization = {
    currentAccountId: '000000000000',
    managementAccountId: '000000000000',
    descendantsOf: async (ou: string) => (ou === 'ou-ab12-workload' ? [{ id: '111111111111', status: 'ACTIVE' }, { id: '222222222222', status: 'SUSPENDED' }, { id: '000000000000', status: 'ACTIVE' }] : []),
    allAccounts: async () => [{ id: '000000000000', status: 'ACTIVE' }, { id: '111111111111', status: 'ACTIVE' }, { id: '333333333333', status: 'PENDING_CLOSURE' }],
  };
  const entry = { group: 'AWS-Base', permissionSet: 'BaseViewOnly' };
  it('current is the caller, OUs and the Organization reach ACTIVE accounts without the management account', async () => {
    expect(await reachedAccountIds({ ...entry, accounts: ['current', '444444444444'] }, organization)).toEqual(['000000000000', '444444444444']);
    expect(await reachedAccountIds({ ...entry, organizationalUnits: ['ou-ab12-workload'] }, organization)).toEqual(['111111111111']);
    expect(await reachedAccountIds({ ...entry, allAccounts: true }, organization)).toEqual(['111111111111']);
  });
});
