import { collectEntra } from '../../scripts/access/collect';
import { accessFindings, CYCLE_MS } from '../../scripts/access/findings';
import { AwsSnapshot, readable } from '../../scripts/access/model';
import { accessReport, ACCESS_REPORT_VERSION, instanceReport, markdown, terminalLines } from '../../scripts/access/render';

const SCIM = [{ Issuer: 'arn:aws:identitystore:::provisioningtenant/t-1', Id: 'entra-base' }];
const PS = 'arn:aws:sso:::permissionSet/ssoins-1/ps-1';
const NOW = Date.parse('2026-11-23T12:00:00Z');
const aws: AwsSnapshot = {
  instance: 'aws-govcloud',
  instanceArn: 'arn:aws-us-gov:sso:::instance/ssoins-1',
  identityStoreId: 'd-1234567890',
  accounts: [{ id: '111111111111', name: 'member-1', state: 'ACTIVE' }],
  permissionSets: [{ arn: PS, name: 'BaseViewOnly' }],
  assignments: [
    { accountId: '111111111111', permissionSetArn: PS, principalType: 'GROUP', principalId: 'g-1' },
    { accountId: '111111111111', permissionSetArn: PS, principalType: 'USER', principalId: 'u-gone' },
  ],
  users: [{ id: 'u-rich', userName: 'RichRoe@contoso.com', externalIds: SCIM }],
  groups: [{ id: 'g-1', displayName: 'AWS-Base', externalIds: SCIM, memberIds: ['u-rich'] }],
  provisioningFailures: readable([]),
  meant: readable([{ principalType: 'GROUP', principal: 'AWS-Base', permissionSet: 'BaseViewOnly', stack: 'aws-govcloud-access', scope: 'accounts 111111111111', accountIds: ['111111111111'] }]),
};
const fakeGraph = (pim: () => Promise<never> | Promise<any[]>) => ({
  directory: { groupMemberNames: async () => ['RichRoe@contoso.com'] },
  synchronization: { listSyncJobs: async () => [{ id: 'job', templateId: 't', status: { code: 'Active', lastSuccessfulExecution: { timeBegan: '2026-11-23T11:49:00Z', timeEnded: '2026-11-23T11:50:00Z' } } }] },
  pim: { pimSchedules: pim },
});

describe('access report output', () => {
  it('JSON: version, needsAction, per instance the resolved assignments, findings and the cycle', async () => {
    const entra = await collectEntra(fakeGraph(async () => []), aws.groups, { servicePrincipalId: 'sp', userNames: new Map(), now: NOW });
    const report = JSON.parse(JSON.stringify(accessReport([instanceReport(aws, entra, accessFindings(aws, entra, { now: NOW, cycleMs: CYCLE_MS }), NOW)], NOW)));
    expect(report).toEqual({
      version: ACCESS_REPORT_VERSION,
      generatedAt: '2026-11-23T12:00:00.000Z',
      needsAction: true,
      instances: [
        {
          instance: 'aws-govcloud',
          readable: true,
          provisioningCycle: { lastSuccessfulEnded: '2026-11-23T11:50:00Z', ageMinutes: 10 },
          assignments: [
            { accountId: '111111111111', accountName: 'member-1', permissionSet: 'BaseViewOnly', principalType: 'GROUP', principalId: 'g-1', principal: 'AWS-Base', origin: 'scim', managedByTerraform: true, members: ['RichRoe@contoso.com'] },
            { accountId: '111111111111', accountName: 'member-1', permissionSet: 'BaseViewOnly', principalType: 'USER', principalId: 'u-gone', principal: null, origin: null, managedByTerraform: false, members: null },
          ],
          findings: [expect.objectContaining({ kind: 'orphan', instance: 'aws-govcloud', needsAction: true, subject: 'USER u-gone on account 111111111111 (member-1) / BaseViewOnly', detail: expect.any(String), action: expect.any(String) })],
        },
      ],
    });
  });

  it('PIM that Graph does not answer is "PIM: not readable", and the rest is still reported', async () => {
    const entra = await collectEntra(fakeGraph(() => Promise.reject(Object.assign(new Error('Resource not found for the segment privilegedAccess'), { statusCode: 404 }))), aws.groups, { servicePrincipalId: 'sp', userNames: new Map(), now: NOW });
    const findings = accessFindings(aws, entra, { now: NOW, cycleMs: CYCLE_MS });
    expect(findings.map((f) => f.detail).filter((d) => d.startsWith('PIM'))).toEqual(['PIM: not readable (Resource not found for the segment privilegedAccess)']);
    expect(findings.some((f) => f.kind === 'orphan')).toBe(true);
  });

  it('PIM schedules: eligible members, and who holds the membership now by activation, named by the deploy record', async () => {
    const schedules = { eligibilitySchedules: [{ principalId: 'o-nikki', accessId: 'member' }, { principalId: 'o-owner', accessId: 'owner' }], assignmentSchedules: [{ principalId: 'o-nikki', accessId: 'member', assignmentType: 'activated', scheduleInfo: { startDateTime: '2026-11-23T11:30:00Z', expiration: { endDateTime: '2026-11-23T13:30:00Z' } } }, { principalId: 'o-old', accessId: 'member', assignmentType: 'activated', scheduleInfo: { startDateTime: '2026-11-23T08:00:00Z', expiration: { endDateTime: '2026-11-23T10:00:00Z' } } }] };
    const graph = { ...fakeGraph(async () => []), pim: { pimSchedules: async (kind: 'eligibilitySchedules' | 'assignmentSchedules') => schedules[kind] as any } };
    const entra = await collectEntra(graph, aws.groups, { servicePrincipalId: 'sp', userNames: new Map([['o-nikki', 'NikkiWolf@contoso.com']]), now: NOW });
    expect(entra.pim).toEqual(readable({ 'entra-base': { eligible: ['NikkiWolf@contoso.com'], active: [{ name: 'NikkiWolf@contoso.com', how: 'activated' }] } }));
  });

  it('the table and the Markdown name each assignment, orphans as deleted, and each finding with what to do', () => {
    const entra = { readAt: new Date(NOW).toISOString(), groups: {}, cycle: readable({}), pim: readable({}) };
    const report = accessReport([instanceReport(aws, entra, accessFindings(aws, entra, { now: NOW, cycleMs: CYCLE_MS }), NOW)], NOW);
    const table = terminalLines(report);
    expect(table[1]).toMatch(/^ {2}account +permission set +principal +from +terraform +members$/);
    expect(table).toContainEqual(expect.stringMatching(/111111111111 member-1 +BaseViewOnly +user \(deleted\) u-gone +- +NO$/));
    expect(table).toContainEqual(expect.stringContaining('what to do: delete it (aws sso-admin delete-account-assignment'));
    expect(markdown(report)).toContain('| 111111111111 member-1 | BaseViewOnly | group AWS-Base | scim | yes | RichRoe@contoso.com |');
  });
});
