/**
 * Retry and polling in one small pure module (style.md): only errors the caller classifies as
 * transient are retried, within a bounded total time, and the error that ends the wait says what
 * was awaited.
 */
export class RetryTimeoutError extends Error {
  constructor(description: string, timeoutMs: number, last?: unknown) {
    const cause = last instanceof Error ? `; last error: ${last.message}` : '';
    super(`Gave up after ${Math.round(timeoutMs / 1000)} s waiting until ${description}${cause}`);
    this.name = 'RetryTimeoutError';
  }
}

/** A transient error's verdict: retry after the given delay (or the backoff's), or not at all. */
export type Transience = { retry: true; afterMs?: number } | { retry: false };

export interface RetryOptions {
  readonly description: string;
  readonly timeoutMs: number;
  readonly classify: (error: unknown) => Transience;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function retry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { sleep = realSleep, now = Date.now, initialDelayMs = 500, maxDelayMs = 8000 } = options;
  const deadline = now() + options.timeoutMs;
  let delay = initialDelayMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      const verdict = options.classify(error);
      if (!verdict.retry) throw error;
      const wait = verdict.afterMs ?? delay;
      if (now() + wait > deadline) throw new RetryTimeoutError(options.description, options.timeoutMs, error);
      await sleep(wait);
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}

export interface PollOptions {
  readonly description: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Calls `probe` until it returns a value; a thrown error (a final state such as FAILED) ends the wait at once. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const { sleep = realSleep, now = Date.now, intervalMs = 1000 } = options;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (now() + intervalMs > deadline) throw new RetryTimeoutError(options.description, options.timeoutMs);
    await sleep(intervalMs);
  }
}
