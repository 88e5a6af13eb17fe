/**
 * Each federation step on in-memory fakes (__tests__/support/step-fakes.ts): apply, undo and check,
 * the failure paths included. No moto, no Terraform, no network.
 */
import { CATALOG, POST_APPLY_STEPS, PRE_DESTROY_STEPS } from '../../app-model/steps';
import { phase, STEPS } from '../../scripts/steps';
import { identitySource } from '../../scripts/steps/identity-source';
import { provisionOnDemand } from '../../scripts/steps/provision-on-demand';
import { rotateToken } from '../../scripts/steps/rotate-token';
import { scimTenant } from '../../scripts/steps/scim-tenant';
import { startSync } from '../../scripts/steps/start-sync';
import { isFailure } from '../../scripts/steps/step';
import { runPhase } from '../../scripts/runner';
import { DeployRecord, parseRecord, RecordStore } from '../../scripts/deploy-record';
import { reportStatus, StatusRun } from '../../scripts/status';
import { reportLeftovers } from '../../scripts/leftovers';
import { deployRecord, readLiveState } from '../../scripts/deploy-state';
import { signingCertificate, SigningCertificate } from '../support/entra-fake';
import { issuerOf, world, World } from '../support/step-fakes';

let certificate: SigningCertificate;
let rotated: SigningCertificate;
beforeAll(async () => {
  [certificate, rotated] = await Promise.all([signingCertificate(), signingCertificate('Rotated')]);
});

const outcomes = (lines: string[]) => lines.map((l) => / — (already so|changed|failed)/.exec(l)?.[1]).filter(Boolean);

async function run(w: World, name: 'post-apply' | 'pre-destroy' | 'rotate-token', extra = {}) {
  const lines: string[] = [];
  const report = await runPhase(name, phase(name), w.ctx(extra), (l) => lines.push(l));
  return { ...report, lines, text: lines.join('\n') };
}

/** A deployed world and the record post-apply would write. */
async function deployed(certificates = [certificate]): Promise<{ w: World; record: DeployRecord }> {
  const w = world(certificates);
  const { ok, text } = await run(w, 'post-apply');
  if (!ok) throw new Error(text);
  return { w, record: deployRecord(w.input, await readLiveState(w.ctx()), undefined, new Date()) };
}

describe('the step list', () => {
  it('runs in the catalog order; post-apply ends with the verification, pre-destroy is the undos last step first', () => {
    expect(STEPS.map((s) => s.id)).toEqual(CATALOG.map((s) => s.id));
    expect(phase('post-apply').map((s) => s.label)).toEqual(POST_APPLY_STEPS.map((s) => s.label));
    expect(phase('pre-destroy').map((s) => s.label)).toEqual(PRE_DESTROY_STEPS.map((s) => s.label));
    expect(phase('pre-destroy').map((s) => s.id)).toEqual(['sync-job', 'scim-token', 'scim-tenant', 'identity-source']);
  });

  it('every step has a label, a why and a check; those with an undo say what it does', () => {
    for (const step of STEPS) {
      expect(step.label && step.why && typeof step.check).toBe('function');
      expect(Boolean(step.undo)).toBe(Boolean(step.teardown));
    }
  });
});

describe('post-apply and pre-destroy on fakes', () => {
  it('an aborted run starts no further step and says which it stopped before', async () => {
    const w = world([certificate]);
    const controller = new AbortController();
    controller.abort(new Error('interrupted by SIGINT'));
    const { ok, results, text } = await run(w, 'post-apply', { signal: controller.signal });
    expect(ok).toBe(false);
    expect(results).toEqual([]);
    expect(text).toMatch(/stopped before step 1\/\d+ .*: interrupted by SIGINT/);
    expect(w.graph.writes).toEqual([]);
  });

  it('federates: every step changes something, the checks hold, and a second run writes nothing', async () => {
    const w = world([certificate]);
    const first = await run(w, 'post-apply');
    expect(first.ok).toBe(true);
    // The fake world assigns no group, so provision-groups finds nothing to do.
    expect(outcomes(first.lines)).toEqual(['changed', 'changed', 'changed', 'changed', 'changed', 'changed', 'already so', 'already so']);
    expect(first.text).not.toContain('✖');
    const [console, graph] = [w.console.writes.length, w.graph.writes.length];
    const second = await run(w, 'post-apply');
    expect(outcomes(second.lines)).toEqual(Array(8).fill('already so'));
    expect([w.console.writes.length, w.graph.writes.length]).toEqual([console, graph]);
  });

  it('pre-destroy removes what post-apply made and leaves NikkiWolf, made by hand', async () => {
    const { w, record } = await deployed();
    const { ok, lines } = await run(w, 'pre-destroy', { previous: record });
    expect(ok).toBe(true);
    expect(outcomes(lines)).toEqual(['changed', 'changed', 'changed', 'changed']);
    expect([w.console.idp, w.console.tenants, [...w.console.tokens.values()].flat()]).toEqual([undefined, [], []]);
    expect(w.store.users.map((u) => u.UserName)).toEqual(['NikkiWolf@contoso.onmicrosoft.com']);
    expect(w.graph.jobs[0].schedule?.state).toBe('Paused');
    expect(outcomes((await run(w, 'pre-destroy', { previous: record })).lines)).toEqual(Array(4).fill('already so'));
  });
});

describe('verify', () => {
  it('fails, naming what differs, when the Entra reply URL is not the Identity Center ACS URL', async () => {
    const w = world([certificate]);
    w.graph.redirectUris = ['https://elsewhere.example.com/acs'];
    const { ok, lines } = await run(w, 'post-apply');
    expect(ok).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/✖ Entra reply URL = Identity Center ACS URL\s+https:\/\/elsewhere/));
    expect(lines).toContainEqual(expect.stringMatching(/8\/8 Verify .* — failed .*Verification failed: the app's reply URL is not https:\/\/us-east-1\.signin\.aws/));
  });

  it('fails when RichRoe exists but was made by another SCIM tenant', async () => {
    const { w } = await deployed();
    w.store.users = w.store.users.filter((u) => !u.UserName!.startsWith('RichRoe'));
    w.store.addUser('RichRoe@contoso.onmicrosoft.com', 'someone-elses-tenant');
    const findings = await provisionOnDemand.check(w.ctx());
    expect(findings.filter(isFailure).map((f) => f.what)).toEqual(['RichRoe created by SCIM']);
  });
});

describe('provision on demand', () => {
  it("stops with Entra's errorCode and errorMessage when it answers Failure", async () => {
    const w = world([certificate]);
    w.graph.onDemand = () => ({ result: 'Failure', details: { errorCode: 'SystemForCrossDomainIdentityManagementBadRequest', errorMessage: 'givenName is required' } });
    const { ok, lines } = await run(w, 'post-apply');
    expect(ok).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/6\/8 Provision RichRoe on demand .* — failed .*Entra did not provision RichRoe@contoso\.onmicrosoft\.com \(Failure\): SystemForCrossDomainIdentityManagementBadRequest: givenName is required/));
  });

  it("stops at once with Entra's verdict when it answers Skipped and the user is not there (no 60 s wait)", async () => {
    const w = world([certificate]);
    w.graph.onDemand = () => ({ result: 'Skipped', details: { errorCode: 'NotEffectivelyEntitled', errorMessage: 'the user is not assigned to the app' } });
    const started = Date.now();
    const { ok, text } = await run(w, 'post-apply');
    expect(ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(text).toContain('(Skipped): NotEffectivelyEntitled: the user is not assigned to the app');
  });
});

describe('identity source', () => {
  it("imports Entra's new signing certificate and removes the old one (certificate rotation)", async () => {
    const { w, record } = await deployed([certificate]);
    const next = world([rotated]);
    const ctx = { ...w.ctx({ previous: record }), graph: next.ctx().graph };
    const result = await identitySource.apply(ctx);
    expect(result).toEqual({ outcome: 'changed', detail: 'signing certificate imported, old certificate removed' });
    expect(w.console.idp!.certificates.map((c) => c.pem.replace(/\s+/g, ''))).toEqual([rotated.pem.replace(/\s+/g, '')]);
  });

  const foreign = (w: World) => {
    w.console.idp = { idpId: 'okta', isEnabled: true, entityId: 'http://www.okta.com/exk1', loginUrl: 'https://example.okta.com/sso', certificates: [{ certificateId: 'c', pem: rotated.pem }] };
  };

  it('refuses to overwrite an external IdP this deployment did not set, changing nothing', async () => {
    const w = world([certificate]);
    foreign(w);
    await expect(identitySource.apply(w.ctx())).rejects.toThrow(/already federates with an external IdP this deployment did not set \(http:\/\/www\.okta\.com\/exk1.*--adopt-identity-source/);
    expect(w.console.writes).toEqual([]);
  });

  it('adopts it when told to (--adopt-identity-source)', async () => {
    const w = world([certificate]);
    foreign(w);
    await identitySource.apply(w.ctx({ options: { adoptIdentitySource: true } }));
    expect(w.console.idp).toMatchObject({ idpId: 'okta', entityId: `https://sts.windows.net/${w.input.tenantId}/` });
  });

  it('pre-destroy leaves an IdP it did not set in place', async () => {
    const w = world([certificate]);
    foreign(w);
    expect((await identitySource.undo!(w.ctx())).detail).toMatch(/was not set by this deployment: left alone/);
    expect(w.console.idp?.idpId).toBe('okta');
  });

  it('a re-run after a post-apply that stopped half-way (no record yet) recognises its own IdP', async () => {
    const w = world([certificate]);
    await identitySource.apply(w.ctx());
    w.console.idp = { ...w.console.idp!, loginUrl: 'https://changed.example.com' };
    expect((await identitySource.apply(w.ctx())).detail).toBe('issuer and sign-in URL updated');
  });
});

describe('SCIM tenant undo', () => {
  it("deletes only the users and groups whose ExternalIds name this deployment's tenant, groups with their memberships", async () => {
    const { w, record } = await deployed();
    const ours = record.provisioning.tenantId;
    w.store.addGroup('Admins', ours);
    w.store.addGroup('Other deployment', 'another-tenant');
    w.store.addUser('someone@other.example.com', 'another-tenant');
    const result = await scimTenant.undo!(w.ctx({ previous: record }));
    expect(result.outcome).toBe('changed');
    expect(w.store.users.map((u) => u.UserName).sort()).toEqual(['NikkiWolf@contoso.onmicrosoft.com', 'someone@other.example.com']);
    expect(w.store.groups.map((g) => g.DisplayName)).toEqual(['Other deployment']);
    expect(w.store.memberships.every((m) => w.store.groups.some((g) => g.GroupId === m.GroupId))).toBe(true);
    expect(w.store.users.find((u) => u.UserName === 'someone@other.example.com')!.ExternalIds![0].Issuer).toBe(issuerOf('another-tenant'));
  });
  it('leaves a Terraform-owned user whom Entra adopted by userName (her ExternalIds name our tenant too)', async () => {
    const { w, record } = await deployed();
    const nikki = w.store.users.find((u) => u.UserName === w.input.samlUsers[0].userPrincipalName)!;
    nikki.ExternalIds = [{ Issuer: issuerOf(record.provisioning.tenantId), Id: w.input.samlUsers[0].objectId }];
    await scimTenant.undo!(w.ctx({ previous: record }));
    expect(w.store.users.map((u) => u.UserName)).toContain(w.input.samlUsers[0].userPrincipalName);
  });
});

describe('sync job decisions (Graph synchronizationStatus and synchronizationSchedule)', () => {
  async function withJob(schedule: string, code: string, quarantine?: object) {
    const { w } = await deployed();
    Object.assign(w.graph.jobs[0], { schedule: { state: schedule }, status: { code, quarantine } });
    w.graph.writes.length = 0;
    return w;
  }

  it.each([
    ['Disabled', 'NotConfigured', undefined, 'changed'],
    ['Paused', 'Paused', undefined, 'changed'],
    ['Active', 'Quarantine', { reason: 'EncounteredQuarantineException' }, 'changed'],
    ['Active', 'NotRun', undefined, 'already so'],
    ['Active', 'Active', undefined, 'already so'],
  ])('schedule %s, status %s (quarantine %o): %s', async (schedule, code, quarantine, outcome) => {
    const w = await withJob(schedule, code, quarantine);
    expect((await startSync.apply(w.ctx())).outcome).toBe(outcome);
    expect(w.graph.writes).toEqual(outcome === 'changed' ? ['startJob'] : []);
  });

  it.each([
    ['Active', 'NotRun', ['pauseJob']],
    ['Paused', 'Paused', []],
    ['Disabled', 'NotConfigured', []],
  ])('undo with schedule %s (status %s) pauses only a job that runs', async (schedule, code, writes) => {
    const w = await withJob(schedule, code);
    await startSync.undo!(w.ctx());
    expect(w.graph.writes).toEqual(writes);
  });

  it('a job that runs but is NotRun is healthy for the check; a paused one is a failure', async () => {
    expect((await startSync.check((await withJob('Active', 'NotRun')).ctx())).filter(isFailure)).toEqual([]);
    expect((await startSync.check((await withJob('Paused', 'Paused')).ctx())).filter(isFailure).map((f) => f.what)).toEqual(['provisioning job']);
  });
});

describe('token rotation', () => {
  it('a rotation whose new token fails the connection test stops and keeps the old token in Identity Center', async () => {
    const { w, record } = await deployed();
    const tenant = w.console.tenants[0].tenantId;
    const [old] = w.console.tokens.get(tenant)!;
    const recorded = { ...record, provisioning: { ...record.provisioning, tokenId: old.tokenId } };
    w.graph.accepts = (token) => token === `token-${old.tokenId}`;
    await expect(rotateToken.run(w.ctx({ previous: recorded }))).rejects.toThrow(new RegExp(`rejects the new SCIM token .*the old token ${old.tokenId} was kept`));
    expect(w.console.tokens.get(tenant)!.map((t) => t.tokenId)).toContain(old.tokenId);
  });
});

describe('status over several instances', () => {
  const store = (records: Record<string, DeployRecord | Error | undefined>): RecordStore => ({
    location: '/records',
    read: async (instance) => {
      const found = records[instance];
      if (found instanceof Error) throw found;
      return found;
    },
    write: async () => undefined,
    remove: async () => undefined,
  });

  async function status(run: Partial<StatusRun> & Pick<StatusRun, 'records'>, w: World) {
    const lines: string[] = [];
    const code = await reportStatus({ instances: ['aws-commercial', 'aws-govcloud'], contextFor: (_input, record) => w.ctx({ previous: record }), print: (l) => lines.push(l), ...run });
    return { code, lines, warnings: lines.filter((l) => l.startsWith('warning: ')) };
  }

  it('a corrupt record names the file and the fix and blocks only its own instance', async () => {
    const { w, record } = await deployed();
    const corrupt = (() => {
      try {
        return parseRecord('{"recordedAt": ', '/records/aws-govcloud.json');
      } catch (error) {
        return error as Error;
      }
    })();
    const { code, lines, warnings } = await status({ records: store({ 'aws-commercial': record, 'aws-govcloud': corrupt as Error }) }, w);
    expect(code).toBe(1);
    expect(lines).toContain('status of aws-commercial:');
    expect(warnings).toEqual([expect.stringMatching(/^warning: aws-govcloud: The deploy record \/records\/aws-govcloud\.json is not valid JSON .*: move it aside \(or delete it\), then run post-apply/)]);
  });

  it('missing records, where config.ts deploys an instance, are a warning with exit code 1', async () => {
    const { w } = await deployed();
    const { code, warnings } = await status({ records: store({}) }, w);
    expect(code).toBe(1);
    expect(warnings).toEqual(['aws-commercial', 'aws-govcloud'].map((i) => expect.stringContaining(`warning: ${i}: no deploy record in /records, though config.ts deploys this instance`)));
  });

  it('FEDERATION_INPUT stands in for its own instance and status still reports the other from its record', async () => {
    const { w, record } = await deployed();
    const govcloud = { ...record, input: { ...record.input, instance: 'aws-govcloud' as const } };
    const { code, lines } = await status({ records: store({ 'aws-govcloud': govcloud }), provided: w.input }, w);
    expect(lines.filter((l) => l.startsWith('status of'))).toEqual(['status of aws-commercial:', 'status of aws-govcloud:']);
    // aws-commercial has no record (only its input came from FEDERATION_INPUT): that one warning.
    expect(lines.filter((l) => l.startsWith('warning: '))).toEqual([expect.stringContaining('warning: aws-commercial: no deploy record, so drift is not checked')]);
    expect(code).toBe(1);
  });

  it('an unreachable endpoint is named, and the other instance is still reported', async () => {
    const { w, record } = await deployed();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 });
    let calls = 0;
    const { lines } = await status(
      {
        records: store({ 'aws-commercial': record, 'aws-govcloud': { ...record, input: { ...record.input, instance: 'aws-govcloud' } } }),
        contextFor: (_input, previous) => {
          const ctx = w.ctx({ previous });
          if (calls++ === 0) return { ...ctx, console: { ...w.console, listProvisioningTenants: () => Promise.reject(new TypeError('fetch failed', { cause: refused })) } as any };
          return ctx;
        },
      },
      w,
    );
    expect(lines).toContainEqual(expect.stringMatching(/^warning: aws-commercial: 127\.0\.0\.1:9 is unreachable/));
    expect(lines).toContain('status of aws-govcloud:');
  });
});

describe('leftovers after destroy', () => {
  const target = (w: World) => ({
    instance: 'aws-commercial',
    region: 'us-east-1',
    ssoAdmin: { send: async () => ({ Instances: [{ IdentityStoreId: w.input.identityStoreId }] }) } as any,
    identityStore: w.ctx().identityStore,
    console: w.console,
  });

  it('names what the steps left, with exit code 1, and says clean with 0 after pre-destroy', async () => {
    const { w, record } = await deployed();
    const before: string[] = [];
    expect(await reportLeftovers([target(w)], (l) => before.push(l))).toBe(1);
    expect(before[0]).toBe('leftovers of aws-commercial: 4 object(s) left');
    expect(before.join('\n')).toMatch(/external IdP https:\/\/sts\.windows\.net\/.*\n.*SCIM provisioning tenant .*\n.*SCIM bearer token .*\n.*user RichRoe@contoso\.onmicrosoft\.com, created by SCIM/);
    await run(w, 'pre-destroy', { previous: record });
    const after: string[] = [];
    expect(await reportLeftovers([target(w)], (l) => after.push(l))).toBe(0);
    expect(after).toEqual(['leftovers of aws-commercial: 0 object(s) left (clean)']);
  });

  it("names what is left in Entra by the stack's names, and is clean only when none is found", async () => {
    const names = { applications: ['AWS IAM Identity Center (aws-commercial)'], users: ['RichRoe@contoso.onmicrosoft.com'], groups: ['AWS-Base'] };
    const left = new Map([['AWS IAM Identity Center (aws-commercial)', ['app-1']]]);
    const entra = { names, idsNamed: async (_kind: string, name: string) => left.get(name) ?? [] };
    const lines: string[] = [];
    expect(await reportLeftovers([], (l) => lines.push(l), entra)).toBe(1);
    expect(lines.slice(0, 2)).toEqual([expect.stringMatching(/^leftovers in Entra: 1 object\(s\) left/), '  application AWS IAM Identity Center (aws-commercial) (app-1)']);
    expect(lines[2]).toMatch(/in Entra, run `npm run destroy` again/);
    left.clear();
    const clean: string[] = [];
    expect(await reportLeftovers([], (l) => clean.push(l), entra)).toBe(0);
    expect(clean).toEqual(['leftovers in Entra: 0 object(s) left (clean)']);
  });

  it('an instance that cannot be read is not clean', async () => {
    const w = world([certificate]);
    const broken = { ...target(w), ssoAdmin: { send: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND sso.us-east-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'sso.us-east-1.amazonaws.com' })) } as any };
    const lines: string[] = [];
    expect(await reportLeftovers([broken], (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toMatch(/could not be read: sso\.us-east-1\.amazonaws\.com is unreachable/);
  });
});
