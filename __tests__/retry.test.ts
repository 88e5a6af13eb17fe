import { pollUntil, retry, RetryTimeoutError } from '../scripts/retry';
import { graphTransience } from '../scripts/clients/graph';

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
      /Gave up after 0 s waiting until the console API answers; last error: no answer within \d+ ms/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
