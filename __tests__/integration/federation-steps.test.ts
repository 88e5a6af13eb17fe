import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand, IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AwsEmulator } from '../../local/emulators/aws';
import { loadFederationContext } from '../../app-config/context';
import { main } from '../../scripts/federation';
import { FederationInput } from '../../scripts/federation-input';
import { APPS_AUTH, IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../../scripts/clients/signed-json-client';
import { RequestCount } from '../../local/emulators/aws/gateway';
import { awsEmulatorEnv, emulatorAccessKey } from '../../local/harness/aws-emulator-env';
import { EntraFake, signingCertificate } from '../support/entra-fake';
import { awsCallsNotAllowed, graphCallsNotCovered } from '../support/permissions';
import { POST_APPLY_STEPS } from '../../app-model/steps';

const STEP_COUNT = POST_APPLY_STEPS.length;
// With no group in the input, provision-groups has nothing to do; verify only reads.
const FIRST_RUN = POST_APPLY_STEPS.map((step) => (step.id === 'provision-groups' || step.id === 'verify' ? 'already so' : 'changed'));

const credential = { getToken: async () => ({ token: 'graph-test-token', expiresOnTimestamp: Date.now() + 3600_000 }) };
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ids = { sp: '2c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', app: '1c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', client: '0c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c' };
const nikki = { id: '4c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', userPrincipalName: 'NikkiWolf@contoso.onmicrosoft.com', givenName: 'Nikki', surname: 'Wolf', displayName: 'Nikki Wolf' };
const rich = { id: '5c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', userPrincipalName: 'RichRoe@contoso.onmicrosoft.com', givenName: 'Richard', surname: 'Roe', displayName: 'Richard Roe' };

const INSTANCES = [
  { instance: 'aws-commercial', region: 'us-east-1', partition: 'aws' },
  { instance: 'aws-govcloud', region: 'us-gov-west-1', partition: 'aws-us-gov' },
] as const;

describe.each(INSTANCES)('federation steps for $instance', ({ instance: instanceName, region, partition }) => describe('against the AWS emulator and recorded Graph shapes', () => {
  let emulator: AwsEmulator;
  let fake: EntraFake;
  let input: FederationInput;
  let identityStore: IdentitystoreClient;
  let consoleApi: SignedJsonClient;
  const server = setupServer();
  const saved = { ...process.env };

  /** Runs the entry point as the provisioner does and returns its exit code and every line it printed. */
  async function federation(command: string, extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await main([command, '--instance', input.instance], { ...process.env, ...extra, FEDERATION_INPUT: JSON.stringify(input) }, { print: (l) => lines.push(l), credential });
    return { code, lines };
  }
  const outcomes = (lines: string[]) => lines.filter((l) => new RegExp(`^\\[${instanceName}\\] \\d+/\\d+ `).test(l)).map((l) => / — (already so|changed|failed)/.exec(l)?.[1]);
  const token = () => fake.secrets.find((s) => s.key === 'SecretToken')?.value;

  beforeAll(async () => {
    emulator = await AwsEmulator.start();
    const dir = mkdtempSync(join(tmpdir(), 'steps-'));
    Object.assign(process.env, awsEmulatorEnv(dir, emulator.endpoint), { FEDERATION_RECORDS: join(dir, 'records') });
    const aws = { region, credentials: { accessKeyId: 'AKIAEMULATORTEST', secretAccessKey: 'emulator' }, endpoint: emulator.endpoint };
    const [instance] = (await new SSOAdminClient(aws).send(new ListInstancesCommand({}))).Instances!;
    identityStore = new IdentitystoreClient(aws);
    consoleApi = new SignedJsonClient(aws);
    // What the aws-commercial stack creates: NikkiWolf, by hand (guide step 2.2).
    await identityStore.send(new CreateUserCommand({ IdentityStoreId: instance.IdentityStoreId, UserName: nikki.userPrincipalName, DisplayName: nikki.displayName, Name: { GivenName: 'Nikki', FamilyName: 'Wolf' } }));

    const certificate = await signingCertificate();
    fake = new EntraFake(TENANT, ids.sp, ids.app, ids.client, [nikki, rich]);
    fake.certificates = [certificate];
    const sp = (await consoleApi.call(APPS_AUTH, 'GetAWSSPConfigurationForDirectory', { directoryId: instance.IdentityStoreId })).awsSPSAMLConfig;
    // What the azure-id stack sets from the context file (guide step 3.2).
    fake.identifierUris = [sp.issuer];
    fake.redirectUris = [sp.acsURL];
    server.use(...fake.handlers());
    server.listen({ onUnhandledRequest: 'bypass' });
    server.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      if (url.hostname === 'graph.microsoft.com') graphRequests.push({ method: request.method, path: url.pathname });
    });

    input = {
      instance: instanceName,
      awsProfile: instanceName,
      region,
      partition,
      instanceArn: instance.InstanceArn!,
      identityStoreId: instance.IdentityStoreId!,
      tenantId: TENANT,
      entraEnvironment: 'global',
      applicationClientId: ids.client,
      applicationObjectId: ids.app,
      servicePrincipalId: ids.sp,
      signingCertificateThumbprint: certificate.thumbprint,
      scimUsers: [{ userName: 'RichRoe', objectId: rich.id, userPrincipalName: rich.userPrincipalName }],
      samlUsers: [{ userName: 'NikkiWolf', objectId: nikki.id, userPrincipalName: nikki.userPrincipalName }],
      groups: [],
    };
  });

  afterAll(async () => {
    server.close();
    process.env = saved;
    await emulator?.stop();
  });

  let firstRun: string[];
  // The token the first post-apply handed to Entra: what its output must not contain (a later rotation's token never could).
  let firstToken: string | undefined;
  // Every AWS call (kept before a test resets the counts) and every Graph request the scripts made.
  const awsCalls: RequestCount[] = [];
  const graphRequests: { method: string; path: string }[] = [];
  afterEach(() => awsCalls.push(...emulator.requests.all()));

  it('post-apply federates the instance: every step changes something, and the verification holds', async () => {
    const { code, lines } = await federation('post-apply');
    firstRun = lines;
    firstToken = token();
    expect(code).toBe(0);
    expect(outcomes(lines)).toEqual(FIRST_RUN);
    expect(input.instanceArn).toMatch(new RegExp(`^arn:${partition}:sso:::instance/`));
    expect(lines.join('\n')).toMatch(new RegExp(`✔ RichRoe created by SCIM\\s+ExternalIds \\[\\{"Issuer":"arn:${partition}:identitystore:::provisioningtenant/`));
    expect(lines.filter((l) => l.includes('✖'))).toEqual([]);
    expect(emulator.leftovers()).toMatchObject({ provisioningTenants: 1, bearerTokens: 1, scimObjects: 1, externalIdps: 1 });
    expect(fake.jobs[0].status.code).toBe('Active');
  });

  const DAY = 86_400_000;
  const status = async (days = 0) => {
    const lines: string[] = [];
    const env = { ...process.env, FEDERATION_INPUT: undefined };
    const code = await main(['status', '--instance', input.instance], env, { print: (l) => lines.push(l), credential, now: () => new Date(Date.now() + days * DAY) });
    return { code, lines, text: lines.join('\n'), warnings: lines.filter((l) => l.startsWith('warning: ')) };
  };
  const tokenIds = async () => {
    const [tenant] = (await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'ListProvisioningTenants', { IdentityStoreId: input.identityStoreId })).ProvisioningTenants;
    return ((await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'ListBearerTokens', { IdentityStoreId: input.identityStoreId, TenantId: tenant.TenantId })).BearerTokens as { TokenId: string }[]).map((t) => t.TokenId);
  };
  const record = () => JSON.parse(readFileSync(join(process.env.FEDERATION_RECORDS!, `${instanceName}.json`), 'utf8'));

  it('records what the deploy set, without the token, and status finds nothing to warn about', async () => {
    expect(record()).toMatchObject({ input: { instance: instanceName }, identitySource: { entityId: `https://sts.windows.net/${TENANT}/` }, provisioning: { tokenId: (await tokenIds())[0] } });
    expect(JSON.stringify(record())).not.toContain(token());
    const { code, text, warnings } = await status();
    expect(warnings).toEqual([]);
    expect(code).toBe(0);
    expect(text).toMatch(new RegExp(`identity source\\s+external IdP https://sts.windows.net/${TENANT}/ \\(enabled\\)`));
    expect(text).toMatch(/SCIM token\s+\S+ expires \d{4}-\d{2}-\d{2} \(3\d\d days\)/);
    expect(text).toMatch(/Entra signing certificate\s+[0-9A-F]{40} expires/);
    expect(text).toMatch(/provisioning job\s+aWSSingleSignon\.\S+: Active/);
    expect(text).toMatch(/users provisioned\s+1 by SCIM/);
    expect(text).not.toContain(token());
  });

  it('status needs nothing beyond the generated read-only IAM policy (the status workflow\'s role)', async () => {
    const mark = emulator.requests.mark();
    expect((await status()).code).toBe(0);
    const byStatus = emulator.requests.since(mark).filter((c) => c.caller === emulatorAccessKey(partition));
    expect(byStatus.map((c) => c.operation)).toEqual(expect.arrayContaining(['ListExternalIdPConfigurationsForDirectory', 'ListBearerTokens', 'ListUsers']));
    expect(awsCallsNotAllowed(byStatus, instanceName, 'read-only')).toEqual([]);
  });

  it('status warns, with exit code 1, when the token has under 30 days and the certificate under 60', async () => {
    const { code, warnings } = await status(340);
    expect(code).toBe(1);
    expect(warnings).toContainEqual(expect.stringMatching(/SCIM token \S+ expires in 2\d days \(warned under 30\): run `npm run federation -- rotate-token`/));
    expect(warnings).toContainEqual(expect.stringMatching(/Entra signing certificate [0-9A-F]{40} expires in 2\d days \(warned under 60\)/));
    expect((await status(320)).warnings).toEqual([expect.stringMatching(/Entra signing certificate .* expires in \d\d days/)]);
  });

  it('status reports drift of the SAML settings, the synchronization secret and a quarantine; post-apply repairs them', async () => {
    const idp = (await consoleApi.call(APPS_AUTH, 'ListExternalIdPConfigurationsForDirectory', { directoryId: input.identityStoreId })).associations[0];
    await consoleApi.call(APPS_AUTH, 'UpdateExternalIdPConfigurationForDirectory', { directoryId: input.identityStoreId, idpId: idp.idpId, idpSAMLConfig: { entityId: idp.idpSAMLConfig.entityId, loginURL: 'https://login.example.com/changed-by-hand' } });
    const saved = fake.secrets;
    fake.secrets = saved.map((s) => (s.key === 'SecretToken' ? { ...s, value: 'typed-by-hand' } : s));
    fake.jobs[0].status = { code: 'Quarantine', quarantine: { reason: 'EncounteredQuarantineException', currentBegan: '2026-11-20T10:00:00Z' } };

    const { code, warnings } = await status();
    expect(code).toBe(1);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('drift in SAML settings: sign-in URL https://login.example.com/changed-by-hand (Entra: https://login.microsoftonline.com/'),
        expect.stringContaining("drift: Entra's synchronization secret no longer works"),
        expect.stringContaining('the provisioning job is in quarantine (EncounteredQuarantineException)'),
      ]),
    );

    // A quarantined job is started again (Graph's start clears the quarantine): post-apply repairs all three.
    const repaired = await federation('post-apply');
    expect(repaired.code).toBe(0);
    const after = await status();
    expect(after.warnings).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('rotates the SCIM token without downtime: new token saved and tested before the old one goes', async () => {
    const old = record().provisioning.tokenId;
    const before = token();
    const lines: string[] = [];
    expect(await main(['rotate-token', '--instance', input.instance], { ...process.env, FEDERATION_INPUT: undefined }, { print: (l) => lines.push(l), credential })).toBe(0);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`1/1 Rotate the SCIM bearer token without downtime — changed .*handed to Entra and tested; deleted .*old ${old}$`)));
    const now = await tokenIds();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(old);
    expect(token()).not.toBe(before);
    expect(record().provisioning.tokenId).toBe(now[0]);
    expect(lines.join('\n')).not.toContain(token());
    expect((await status()).code).toBe(0);
  });

  it('rotation makes room when a spare token fills the two slots, keeping Entra\'s until the new one works', async () => {
    const [held] = await tokenIds();
    const [tenant] = (await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'ListProvisioningTenants', { IdentityStoreId: input.identityStoreId })).ProvisioningTenants;
    const spare = (await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', { IdentityStoreId: input.identityStoreId, TenantId: tenant.TenantId })).BearerToken.TokenId;
    const lines: string[] = [];
    expect(await main(['rotate-token', '--instance', input.instance], { ...process.env, FEDERATION_INPUT: undefined }, { print: (l) => lines.push(l), credential })).toBe(0);
    expect(lines.join('\n')).toContain(`deleted spare ${spare}, old ${held}`);
    const now = await tokenIds();
    expect(now).toHaveLength(1);
    expect(now).not.toContain(held);
    expect((await status()).code).toBe(0);
  });

  it('never prints the SCIM token it handed to Entra', () => {
    expect(firstToken).toEqual(expect.any(String));
    expect(firstRun.join('\n')).not.toContain(firstToken);
  });

  it('a second post-apply changes nothing and makes no write call', async () => {
    emulator.requests.reset();
    const graphWrites = fake.writes;
    const { code, lines } = await federation('post-apply');
    expect(code).toBe(0);
    expect(outcomes(lines)).toEqual(Array(STEP_COUNT).fill('already so'));
    expect(emulator.requests.writes()).toEqual([]);
    expect(fake.writes).toBe(graphWrites);
  });

  it('replaces a revoked token with a new one, keeping at most two', async () => {
    const ids2 = { IdentityStoreId: input.identityStoreId, TenantId: (await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'ListProvisioningTenants', { IdentityStoreId: input.identityStoreId })).ProvisioningTenants[0].TenantId };
    await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', ids2); // a second token, made by someone else
    const [entraToken] = (await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'ListBearerTokens', ids2)).BearerTokens;
    await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'DeleteBearerToken', { ...ids2, TokenId: entraToken.TokenId }); // Entra's token revoked
    await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'CreateBearerToken', ids2); // and another: two tokens, neither Entra's
    const before = token();

    const { code, lines } = await federation('post-apply');
    expect(code).toBe(0);
    expect(outcomes(lines)[3]).toBe('changed');
    expect(token()).not.toBe(before);
    expect((await consoleApi.call(IDENTITY_STORE_PROVISIONING, 'ListBearerTokens', ids2)).BearerTokens).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(token());
  });

  it('answers a Graph 429 by waiting as Retry-After says, then carries on', async () => {
    let throttled = 0;
    server.use(
      http.get(`https://graph.microsoft.com/v1.0/servicePrincipals/${ids.sp}`, () => {
        throttled++;
        return HttpResponse.json({ error: { code: 'TooManyRequests', message: 'throttled' } }, { status: 429, headers: { 'Retry-After': '1' } });
      }, { once: true }),
    );
    const started = Date.now();
    const { code } = await federation('post-apply');
    expect(code).toBe(0);
    expect(throttled).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('stops with the cause when the metadata has no signing certificate, changing nothing in Identity Center', async () => {
    const certificates = fake.certificates;
    fake.certificates = [];
    emulator.requests.reset();
    try {
      const { code, lines } = await federation('post-apply');
      expect(code).toBe(1);
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`2/${STEP_COUNT} Entra federation metadata → Identity Center external IdP .* — failed .*: The IdP federation metadata has no signing certificate`)));
      expect(emulator.requests.writes()).toEqual([]);
    } finally {
      fake.certificates = certificates;
    }
  });

  it('stops with the fix when the AWS profile is missing', async () => {
    const { code, lines } = await federation('post-apply', { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' });
    expect(code).toBe(1);
    expect(lines).toContainEqual(expect.stringContaining(`failed (`));
    expect(lines).toContainEqual(expect.stringContaining(`AWS profile ${instanceName} is missing or has no credentials: configure it`));
  });

  it('pre-destroy undoes everything the scripts did and leaves what Terraform owns', async () => {
    const { code, lines } = await federation('pre-destroy');
    expect(code).toBe(0);
    expect(outcomes(lines)).toEqual(['changed', 'changed', 'changed', 'changed']);
    expect(emulator.leftovers()).toEqual({ provisioningTenants: 0, bearerTokens: 0, scimObjects: 0, externalIdps: 0 });
    const users = (await identityStore.send(new ListUsersCommand({ IdentityStoreId: input.identityStoreId }))).Users!;
    expect(users.map((u) => u.UserName)).toEqual([nikki.userPrincipalName]);
    expect(fake.jobs[0].status.code).toBe('Paused');
    expect(() => record()).toThrow(/ENOENT/);
    const after = await status();
    expect(after.code).toBe(1);
    expect(after.warnings).toEqual([expect.stringContaining(`${instanceName}: no deploy record in ${process.env.FEDERATION_RECORDS}, though config.ts deploys this instance`)]);
  });

  it('a second pre-destroy finds everything already gone', async () => {
    const { code, lines } = await federation('pre-destroy');
    expect(code).toBe(0);
    expect(outcomes(lines)).toEqual(Array(4).fill('already so'));
  });

  it('needed no permission beyond the generated IAM policy and Graph permissions', () => {
    const byScripts = awsCalls.filter((c) => c.caller === emulatorAccessKey(partition));
    expect(byScripts.map((c) => c.operation)).toEqual(expect.arrayContaining(['CreateBearerToken', 'DeleteProvisioningTenant', 'ListUsers']));
    expect(awsCallsNotAllowed(byScripts, instanceName)).toEqual([]);
    expect(graphRequests.length).toBeGreaterThan(20);
    expect(graphCallsNotCovered(graphRequests, 'azure-id')).toEqual([]);
  });
}));

describe('federation lookup', () => {
  it('writes the SAML values of both instances and the tenant domain to the context file', async () => {
    const emulator = await AwsEmulator.start();
    const server = setupServer(http.get('https://graph.microsoft.com/v1.0/domains', () => HttpResponse.json({ value: [{ id: 'contoso.onmicrosoft.com', isDefault: true }, { id: 'contoso.com', isDefault: false }] })));
    server.listen({ onUnhandledRequest: 'bypass' });
    const dir = mkdtempSync(join(tmpdir(), 'lookup-'));
    const file = join(dir, 'federation.context.json');
    try {
      const lines: string[] = [];
      const env = { ...process.env, ...awsEmulatorEnv(dir, emulator.endpoint) };
      expect(await main(['lookup'], env, { print: (l) => lines.push(l), credential, contextFile: file })).toBe(0);
      const written = JSON.parse(readFileSync(file, 'utf8'));
      expect(written).toMatchObject({
        source: 'lookup',
        entra: { defaultDomain: 'contoso.onmicrosoft.com' },
        instances: {
          'aws-commercial': { issuer: expect.stringMatching(/^https:\/\/us-east-1\.signin\.aws(\.amazon\.com)?\/platform\/saml\/d-/), accessPortalUrl: expect.stringMatching(/^https:\/\/d-\w+\.awsapps\.com\/start$/) },
          'aws-govcloud': { acsUrl: expect.stringMatching(/^https:\/\/us-gov-west-1\.signin\.amazonaws-us-gov\.com\/platform\/saml\/acs\//), accessPortalUrl: expect.stringMatching(/^https:\/\/start\.us-gov-home\.awsapps\.com\/directory\/d-/) },
        },
      });
      expect(() => loadFederationContext(file)).not.toThrow();
    } finally {
      server.close();
      await emulator.stop();
    }
  });
});
