import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { pollUntil, retry, RetryTimeoutError } from '../../scripts/retry';
import { GetUserIdCommand } from '@aws-sdk/client-identitystore';
import { awsClients } from '../../scripts/clients/aws';
import { PRODUCT_AGENT } from '../../scripts/clients/product-agent';
import { IDENTITY_STORE_PROVISIONING, SignedJsonClient } from '../../scripts/clients/signed-json-client';
import { GraphApi, graphTransience } from '../../scripts/clients/graph';
import { Secret } from '../../scripts/secret';

/** A clock that moves only when the code under test sleeps. */
function fakeClock() {
  let now = 0;
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)), slept };
}

const graphError = (statusCode: number, retryAfter?: string) =>
  Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, headers: new Headers(retryAfter ? { 'retry-after': retryAfter } : {}) });

function failing(errors: Error[]) {
  let calls = 0;
  return {
    work: async () => {
      if (calls < errors.length) throw errors[calls++];
      calls++;
      return 'done';
    },
    calls: () => calls,
  };
}

describe('retry', () => {
  it('waits as Retry-After says after a 429, then succeeds', async () => {
    const clock = fakeClock();
    const call = failing([graphError(429, '7')]);
    await expect(retry(call.work, { description: 'x', timeoutMs: 60_000, classify: graphTransience(false), ...clock })).resolves.toBe('done');
    expect(clock.slept).toEqual([7000]);
  });

  it('backs off on 5xx', async () => {
    const clock = fakeClock();
    const call = failing([graphError(500), graphError(502), graphError(503)]);
    await retry(call.work, { description: 'x', timeoutMs: 60_000, classify: graphTransience(false), ...clock });
    expect(clock.slept).toEqual([500, 1000, 2000]);
  });

  it('retries a 404 only right after a create', async () => {
    const afterCreate = failing([graphError(404)]);
    await expect(retry(afterCreate.work, { description: 'x', timeoutMs: 60_000, classify: graphTransience(true), ...fakeClock() })).resolves.toBe('done');
    const otherwise = failing([graphError(404)]);
    await expect(retry(otherwise.work, { description: 'x', timeoutMs: 60_000, classify: graphTransience(false), ...fakeClock() })).rejects.toThrow('HTTP 404');
    expect(otherwise.calls()).toBe(1);
  });

  it('does not retry what is not transient', async () => {
    const call = failing([graphError(400)]);
    await expect(retry(call.work, { description: 'x', timeoutMs: 60_000, classify: graphTransience(false), ...fakeClock() })).rejects.toThrow('HTTP 400');
    expect(call.calls()).toBe(1);
  });

  it('gives up within the bounded time and says what it waited for', async () => {
    const call = failing(Array(100).fill(graphError(503)));
    await expect(retry(call.work, { description: 'the synchronization job starts', timeoutMs: 10_000, classify: graphTransience(false), ...fakeClock() })).rejects.toThrow(
      new RetryTimeoutError('the synchronization job starts', 10_000, graphError(503)),
    );
  });
});

describe('pollUntil', () => {
  it('returns the first value the probe finds', async () => {
    let polls = 0;
    const value = await pollUntil(async () => (++polls === 3 ? 'RichRoe' : undefined), { description: 'x', timeoutMs: 10_000, intervalMs: 500, ...fakeClock() });
    expect([value, polls]).toEqual(['RichRoe', 3]);
  });

  it('stops at once on a final state instead of waiting it out', async () => {
    const clock = fakeClock();
    await expect(
      pollUntil(async () => { throw new Error('assignment FAILED: no such permission set'); }, { description: 'x', timeoutMs: 10_000, ...clock }),
    ).rejects.toThrow('FAILED');
    expect(clock.slept).toEqual([]);
  });

  it('times out with the description', async () => {
    await expect(pollUntil(async () => undefined, { description: 'RichRoe appears', timeoutMs: 3000, intervalMs: 1000, ...fakeClock() })).rejects.toThrow(
      'Gave up after 3 s waiting until RichRoe appears',
    );
  });
});

describe('retry: each attempt has its own time limit', () => {
  const hangs = (signal: AbortSignal) => new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

  it('aborts a hung attempt through its AbortSignal and tries again, as a transient failure', async () => {
    let attempts = 0;
    const signals: AbortSignal[] = [];
    const work = (signal: AbortSignal) => {
      signals.push(signal);
      return ++attempts === 1 ? hangs(signal) : Promise.resolve('answered');
    };
    const classify = jest.fn(() => ({ retry: false as const }));
    await expect(retry(work, { description: 'x', timeoutMs: 60_000, attemptTimeoutMs: 50, initialDelayMs: 1, classify })).resolves.toBe('answered');
    expect(attempts).toBe(2);
    expect(signals[0].aborted).toBe(true);
    expect(signals[1]).not.toBe(signals[0]);
    // A timeout is transient whatever the classifier says of other errors.
    expect(classify).not.toHaveBeenCalled();
  });

  it('abandons an attempt that ignores its signal', async () => {
    let attempts = 0;
    const work = () => (++attempts === 1 ? new Promise<string>(() => undefined) : Promise.resolve('answered'));
    await expect(retry(work, { description: 'x', timeoutMs: 60_000, attemptTimeoutMs: 50, initialDelayMs: 1, classify: () => ({ retry: false }) })).resolves.toBe('answered');
  });

  it('keeps the whole wait within the total time, even when every attempt hangs', async () => {
    const started = Date.now();
    await expect(retry(hangs, { description: 'the console API answers', timeoutMs: 300, attemptTimeoutMs: 100, initialDelayMs: 1, classify: () => ({ retry: false }) })).rejects.toThrow(
      /Gave up after \d+ s waiting until the console API answers; last error: no answer within \d+ ms/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('the signed JSON client of the console APIs', () => {
  /** A local endpoint that plays the given answers in turn; 'hang' never answers. */
  async function consoleEndpoint(answers: ({ status: number; body: object; headers?: Record<string, string> } | 'hang')[]) {
    const seen: { target: string; agent: string }[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ target: String(req.headers['x-amz-target']), agent: String(req.headers['user-agent']) });
        const answer = answers[seen.length - 1] ?? { status: 200, body: { ProvisioningTenants: [] } };
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new SignedJsonClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'x' },
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      retry: { timeoutMs: 10_000, attemptTimeoutMs: 300, initialDelayMs: 10 },
    });
    const close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
    return { client, seen, close };
  }

  const throttled = { status: 400, body: { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' } };
  const unavailable = { status: 503, body: { __type: 'ServiceUnavailableException', message: 'try again' } };

  it('retries throttling, 5xx and a hung connection, then answers', async () => {
    const endpoint = await consoleEndpoint([throttled, unavailable, 'hang']);
    try {
      await expect(endpoint.client.call(IDENTITY_STORE_PROVISIONING, 'ListProvisioningTenants', { IdentityStoreId: 'd-1' })).resolves.toEqual({ ProvisioningTenants: [] });
      expect(endpoint.seen.map((s) => s.target)).toEqual(Array(4).fill('AWSIdentityStoreService.ListProvisioningTenants'));
    } finally {
      await endpoint.close();
    }
  });

  it('honours Retry-After on a 429', async () => {
    const endpoint = await consoleEndpoint([{ status: 429, body: { __type: 'TooManyRequestsException' }, headers: { 'retry-after': '1' } }]);
    try {
      const started = Date.now();
      await endpoint.client.call(IDENTITY_STORE_PROVISIONING, 'ListProvisioningTenants', {});
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    } finally {
      await endpoint.close();
    }
  });

  it('does not retry what the caller must fix, and names the product in its user agent', async () => {
    const endpoint = await consoleEndpoint([{ status: 400, body: { __type: 'ValidationException', message: 'IdentityStoreId is invalid' } }]);
    try {
      await expect(endpoint.client.call(IDENTITY_STORE_PROVISIONING, 'ListProvisioningTenants', {})).rejects.toThrow('IdentityStoreId is invalid');
      expect(endpoint.seen).toEqual([{ target: 'AWSIdentityStoreService.ListProvisioningTenants', agent: expect.stringContaining(`app/${PRODUCT_AGENT}`) }]);
    } finally {
      await endpoint.close();
    }
  });
});

describe('the identity store client', () => {
  it('aborts a hung call at its time limit and retries it (SDK standard retry), naming the product', async () => {
    const agents: string[] = [];
    const server = createServer((req, res) => {
      req.resume();
      agents.push(String(req.headers['user-agent']));
      if (agents.length === 1) return; // the first call hangs
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ UserId: 'u-1', IdentityStoreId: 'd-1234567890' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const env = { AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'x' };
      const { identityStore } = awsClients({ awsProfile: 'default', region: 'us-east-1', partition: 'aws' }, { env, attemptTimeoutMs: 300 });
      identityStore.config.credentials = async () => ({ accessKeyId: 'AKIATEST', secretAccessKey: 'x' });
      const answer = await identityStore.send(new GetUserIdCommand({ IdentityStoreId: 'd-1234567890', AlternateIdentifier: { UniqueAttribute: { AttributePath: 'UserName', AttributeValue: 'RichRoe' } } }));
      expect(answer.UserId).toBe('u-1');
      expect(agents).toEqual([expect.stringContaining(`app/${PRODUCT_AGENT}`), expect.stringContaining(`app/${PRODUCT_AGENT}`)]);
      expect(await identityStore.config.maxAttempts()).toBeGreaterThan(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('the Graph client of the federation steps', () => {
  const SP = 'sp-1';
  const JOBS = `/v1.0/servicePrincipals/${SP}/synchronization/jobs`;
  type Answer = { status: number; body?: object; headers?: Record<string, string> } | 'hang';

  /** A local Graph that answers each path with the given answers in turn, then 200 {}. */
  async function graphEndpoint(answers: Record<string, Answer[]>, timeoutMs = 1500) {
    const seen: { path: string; agent: string }[] = [];
    const server = createServer((req, res) => {
      req.resume();
      const path = new URL(req.url ?? '/', 'http://graph').pathname;
      seen.push({ path, agent: String(req.headers['user-agent']) });
      const answer = answers[path]?.shift() ?? { status: 200, body: path === JOBS ? { id: 'job-1', templateId: 't' } : {} };
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body ?? { error: { code: 'x', message: `HTTP ${answer.status}` } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const credential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) };
    const graph = new GraphApi({ graph: url, login: url }, credential, { timeoutMs, attemptTimeoutMs: 300 });
    const close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
    const hits = (path: string) => seen.filter((s) => s.path === path).length;
    return { graph, seen, hits, close };
  }

  it('retries a 429 only in its own loop: the SDK retry handler is not nested inside it', async () => {
    const throttled: Answer = { status: 429, headers: { 'retry-after': '1' } };
    const endpoint = await graphEndpoint({ [`/v1.0/servicePrincipals/${SP}`]: Array(10).fill(throttled) });
    try {
      await expect(endpoint.graph.directory.getServicePrincipal(SP)).rejects.toThrow(/Gave up after \d+ s/);
      // Two attempts one Retry-After apart in 1.5 s; a nested RetryHandler would add 3 of its own to each.
      expect(endpoint.hits(`/v1.0/servicePrincipals/${SP}`)).toBe(2);
      expect(endpoint.seen[0].agent).toContain(PRODUCT_AGENT);
    } finally {
      await endpoint.close();
    }
  });

  it('aborts a hung call and tries again', async () => {
    const endpoint = await graphEndpoint({ '/v1.0/domains': ['hang', { status: 200, body: { value: [{ id: 'contoso.example', isDefault: true }] } }] });
    try {
      await expect(endpoint.graph.directory.defaultDomain()).resolves.toBe('contoso.example');
      expect(endpoint.hits('/v1.0/domains')).toBe(2);
    } finally {
      await endpoint.close();
    }
  });

  it('retries a 404 on the job it has just created, and no other 404', async () => {
    const endpoint = await graphEndpoint({ [`${JOBS}/job-1`]: [{ status: 404 }], [`${JOBS}/job-old`]: [{ status: 404 }] });
    try {
      await expect(endpoint.graph.synchronization.getSyncJob(SP, 'job-old')).rejects.toThrow('HTTP 404');
      expect(endpoint.hits(`${JOBS}/job-old`)).toBe(1);
      const job = await endpoint.graph.synchronization.createSyncJob(SP, 't');
      await expect(endpoint.graph.synchronization.getSyncJob(SP, job.id)).resolves.toBeDefined();
      expect(endpoint.hits(`${JOBS}/job-1`)).toBe(2);
    } finally {
      await endpoint.close();
    }
  });

  // terraform-provider-azuread v3.7.0, internal/services/synchronization/synchronization.go:
  // synchronizationRetryFunc retries 409 and 403 on the job and secret calls.
  it('retries 403 and 409 on synchronization calls, as the azuread provider does, and not elsewhere', async () => {
    const endpoint = await graphEndpoint({
      [`${JOBS}/job-1/start`]: [{ status: 403 }, { status: 409 }],
      [`/v1.0/servicePrincipals/${SP}/synchronization/secrets`]: [{ status: 409 }],
      [`/v1.0/servicePrincipals/${SP}`]: [{ status: 403 }],
    }, 5000);
    try {
      await endpoint.graph.synchronization.startJob(SP, 'job-1');
      expect(endpoint.hits(`${JOBS}/job-1/start`)).toBe(3);
      await endpoint.graph.synchronization.putSyncSecrets(SP, 'https://scim.example', new Secret('token'));
      expect(endpoint.hits(`/v1.0/servicePrincipals/${SP}/synchronization/secrets`)).toBe(2);
      await expect(endpoint.graph.directory.getServicePrincipal(SP)).rejects.toThrow('HTTP 403');
      expect(endpoint.hits(`/v1.0/servicePrincipals/${SP}`)).toBe(1);
    } finally {
      await endpoint.close();
    }
  });
});
