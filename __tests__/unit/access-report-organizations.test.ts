import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWSOrganizationsNotInUseException, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { STSClient } from '@aws-sdk/client-sts';
import { loadConfig, rawConfig } from '../../config';
import { collectAws } from '../../scripts/access/collect';
import { reportAccess } from '../../scripts/access';
import { LocalRecordStore } from '../../scripts/deploy-record';

const CURRENT = '123456789012';
/** An account outside any Organization: every Organizations call answers AWSOrganizationsNotInUseException (Organizations API reference). */
function organizationless() {
  const calls: string[] = [];
  const organizations = {
    send: async (command: object) => {
      calls.push(command.constructor.name);
      throw new AWSOrganizationsNotInUseException({ message: "Your account is not a member of an organization.", $metadata: { httpStatusCode: 400 } });
    },
  } as unknown as OrganizationsClient;
  const ssoAdmin = {
    send: async (command: object) => (command instanceof ListInstancesCommand ? { Instances: [{ InstanceArn: 'arn:aws:sso:::instance/ssoins-1', IdentityStoreId: 'd-1234567890' }] } : {}),
  } as unknown as SSOAdminClient;
  const identityStore = { send: async () => ({}) } as unknown as IdentitystoreClient;
  const sts = { send: async () => ({ Account: CURRENT }) } as unknown as STSClient;
  return { clients: { ssoAdmin, identityStore, organizations, sts }, calls };
}

describe('the access report on an account that is not in an Organization', () => {
  it('reads no Organizations when no access entry uses organizationalUnits or allAccounts: "current" is the caller', async () => {
    const { clients, calls } = organizationless();
    const aws = await collectAws(clients, { instance: 'aws-commercial', config: loadConfig(), entraDomain: 'contoso.onmicrosoft.com' });
    expect(calls).toEqual([]);
    expect(aws.meant.readable).toBe(true);
    expect(aws.meant.readable && aws.meant.value.every((m) => m.accountIds.join() === CURRENT)).toBe(true);
  });

  it('says the account is not in an Organization when an entry needs one, naming the entries and the fix, not permissions', async () => {
    const raw = structuredClone(rawConfig) as any;
    raw.identityCenter.access['aws-commercial'].push({ group: 'AWS-Base', permissionSet: 'BaseViewOnly', organizationalUnits: ['ou-ab12-workload'] });
    const { clients } = organizationless();
    const aws = await collectAws(clients, { instance: 'aws-commercial', config: loadConfig(raw), entraDomain: 'contoso.onmicrosoft.com' });
    expect(aws.meant.readable).toBe(false);
    const reason = aws.meant.readable ? '' : aws.meant.reason;
    expect(reason).toContain("The account of aws-commercial (AWS profile aws-commercial) is not in an AWS Organization (AWSOrganizationsNotInUseException), but identityCenter.access['aws-commercial'] reaches organizationalUnits or allAccounts");
    expect(reason).not.toMatch(/permission/i);
  });
});

describe('npm run access --markdown into a folder that does not exist', () => {
  it('stops before any call, naming the folder', async () => {
    const { clients, calls } = organizationless();
    let reads = 0;
    const counted = { ...clients, ssoAdmin: { send: async (c: object) => (reads++, clients.ssoAdmin.send(c as never)) } as unknown as SSOAdminClient };
    const missing = join(mkdtempSync(join(tmpdir(), 'access-')), 'reports', 'access.md');
    const run = {
      instances: ['aws-commercial'] as const,
      config: loadConfig(),
      entraDomain: 'contoso.onmicrosoft.com',
      records: new LocalRecordStore(mkdtempSync(join(tmpdir(), 'records-'))),
      awsClientsFor: () => counted,
      graph: { directory: { groupMemberNames: async () => [] }, pim: { pimSchedules: async () => [] }, synchronization: { listSyncJobs: async () => [] } } as never,
    };
    await expect(reportAccess(run, { markdownFile: missing, print: () => undefined })).rejects.toThrow(`--markdown ${missing}: the folder ${join(missing, '..')} does not exist: create it, or write the report elsewhere, then run again.`);
    expect(reads + calls.length).toBe(0);
  });
});
