/**
 * scripts/retry.ts bounds the whole wait by elapsed time on its clock, not by a number of attempts:
 * the time attempts themselves take counts as much as the pauses between them.
 */
import { retry, RetryTimeoutError } from '../../scripts/retry';

/** A clock that moves when the code under test sleeps, and when an attempt spends time. */
function fakeClock() {
  let now = 0;
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)), slept, spend: (ms: number) => void (now += ms) };
}

const unavailable = () => Object.assign(new Error('HTTP 503'), { statusCode: 503 });
const transient = () => ({ retry: true as const });

/** Work that takes `takesMs` on the clock and then fails transiently; notes when each attempt started. */
function slowFailure(clock: ReturnType<typeof fakeClock>, takesMs: number) {
  const starts: number[] = [];
  return {
    starts,
    work: async () => {
      starts.push(clock.now());
      clock.spend(takesMs);
      throw unavailable();
    },
  };
}

describe('retry: the deadline is elapsed time', () => {
  it('quick failures: as many attempts as the backoff fits in the time, and no pause past the deadline', async () => {
    const clock = fakeClock();
    const call = slowFailure(clock, 0);
    await expect(retry(call.work, { description: 'the job starts', timeoutMs: 10_000, classify: transient, ...clock })).rejects.toThrow(RetryTimeoutError);
    // 500 + 1000 + 2000 + 4000 = 7500 ms; the next 8000 ms pause would end past 10 s.
    expect(call.starts).toEqual([0, 500, 1500, 3500, 7500]);
    expect(clock.now()).toBeLessThanOrEqual(10_000);
  });

  it('attempts that each take long: fewer of them, since their own time counts toward the deadline', async () => {
    const clock = fakeClock();
    const call = slowFailure(clock, 4000);
    await expect(retry(call.work, { description: 'the job starts', timeoutMs: 10_000, classify: transient, ...clock })).rejects.toThrow(
      'Gave up after 10 s waiting until the job starts; last error: HTTP 503',
    );
    // 0–4000, pause 500, 4500–8500, pause 1000, 9500–: no pause or attempt begins after the deadline.
    expect(call.starts).toEqual([0, 4500, 9500]);
    expect(clock.slept).toEqual([500, 1000]);
    expect(call.starts.every((t) => t < 10_000)).toBe(true);
  });

  it('one attempt that outlasts the whole timeout is not followed by another', async () => {
    const clock = fakeClock();
    const call = slowFailure(clock, 12_000);
    await expect(retry(call.work, { description: 'the job starts', timeoutMs: 10_000, classify: transient, ...clock })).rejects.toThrow(RetryTimeoutError);
    expect(call.starts).toEqual([0]);
    expect(clock.slept).toEqual([]);
  });

  it('a Retry-After that would end past the deadline is not waited out', async () => {
    const clock = fakeClock();
    const call = slowFailure(clock, 3000);
    const throttled = () => ({ retry: true as const, afterMs: 6000 });
    await expect(retry(call.work, { description: 'x', timeoutMs: 10_000, classify: throttled, ...clock })).rejects.toThrow(RetryTimeoutError);
    // 0–3000, wait 6000 (ends at 9000 ≤ 10 s), 9000–12000, and a wait to 18 s is refused.
    expect(call.starts).toEqual([0, 9000]);
    expect(clock.slept).toEqual([6000]);
  });

  it('a success after slow failures within the time is returned', async () => {
    const clock = fakeClock();
    let attempts = 0;
    const work = async () => {
      clock.spend(4000);
      if (++attempts < 3) throw unavailable();
      return 'started';
    };
    await expect(retry(work, { description: 'x', timeoutMs: 10_000, classify: transient, ...clock })).resolves.toBe('started');
    expect(attempts).toBe(3);
  });

  it('without a per-attempt limit, a hung last attempt is cut at what is left of the timeout (real time)', async () => {
    let attempts = 0;
    const work = (signal: AbortSignal) =>
      ++attempts === 1
        ? new Promise<string>((_, reject) => setTimeout(() => reject(unavailable()), 300))
        : new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const started = Date.now();
    await expect(retry(work, { description: 'the console API answers', timeoutMs: 600, initialDelayMs: 10, classify: transient })).rejects.toThrow(
      /Gave up after \d+ s waiting until the console API answers; last error: no answer within \d+ ms/,
    );
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
