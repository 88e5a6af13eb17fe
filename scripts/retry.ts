/**
 * Retry and polling in one small pure module (docs/decisions/0008-read-back-and-one-retry-module.md): only errors the caller classifies as
 * transient are retried, within a bounded total time, and the error that ends the wait says what
 * was awaited. Each attempt gets its own AbortSignal and time limit, so a hung connection is
 * abandoned and tried again instead of hanging the provisioner that made it.
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

/** An attempt that got no answer within its own time limit: always worth another try. */
export class AttemptTimeoutError extends Error {
  constructor(limitMs: number) {
    super(`no answer within ${limitMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

export interface RetryOptions {
  readonly description: string;
  readonly timeoutMs: number;
  readonly classify: (error: unknown) => Transience;
  /** The time limit of one attempt (a hung connection); bounded by what is left of timeoutMs. */
  readonly attemptTimeoutMs?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function retry<T>(work: (signal: AbortSignal) => Promise<T>, options: RetryOptions): Promise<T> {
  const { sleep = realSleep, now = Date.now, initialDelayMs = 500, maxDelayMs = 8000 } = options;
  const deadline = now() + options.timeoutMs;
  let delay = initialDelayMs;
  for (;;) {
    try {
      return await attempt(work, Math.min(options.attemptTimeoutMs ?? Infinity, Math.max(deadline - now(), 1)));
    } catch (error) {
      const verdict: Transience = error instanceof AttemptTimeoutError ? { retry: true } : options.classify(error);
      if (!verdict.retry) throw error;
      const wait = verdict.afterMs ?? delay;
      if (now() + wait > deadline) throw new RetryTimeoutError(options.description, options.timeoutMs, error);
      await sleep(wait);
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
}

/**
 * One attempt, given a signal that aborts it at its time limit; an attempt that ignores the signal
 * is abandoned all the same, so the limit holds for any client.
 */
async function attempt<T>(work: (signal: AbortSignal) => Promise<T>, limitMs: number): Promise<T> {
  if (!Number.isFinite(limitMs)) return work(new AbortController().signal);
  const controller = new AbortController();
  const timedOut = new AttemptTimeoutError(limitMs);
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(timedOut);
      reject(timedOut);
    }, limitMs);
  });
  try {
    return await Promise.race([work(controller.signal), expiry]);
  } catch (error) {
    throw controller.signal.aborted ? timedOut : error;
  } finally {
    clearTimeout(timer);
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

export interface RateOptions {
  readonly requests: number;
  readonly windowMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * A gate for a documented rate limit, kept rather than hit: awaited before each call, it lets at
 * most `requests` calls start in any `windowMs`, waiting for the oldest to leave the window.
 * One caller at a time (the steps call in sequence).
 */
export function rateLimiter(options: RateOptions): () => Promise<void> {
  const { sleep = realSleep, now = Date.now } = options;
  const starts: number[] = [];
  return async () => {
    for (;;) {
      while (starts.length && now() - starts[0] >= options.windowMs) starts.shift();
      if (starts.length < options.requests) break;
      await sleep(starts[0] + options.windowMs - now());
    }
    starts.push(now());
  };
}
