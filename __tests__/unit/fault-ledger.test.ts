/**
 * The fault ledger judges a caller's retries from its traffic alone (local/emulators/faults.ts), and
 * the rehearsal's fault checks (local/rehearsal/context.ts, reportFaults) pass only when every injected
 * fault was retried and recovered. Here the ledger is fed traffic as an emulator feeds it: each
 * request intercepted, then answered with a status, and its counts are checked against what the
 * caller did: gave up, retried and kept failing, or retried and got through.
 */
import { FaultLedger, FaultRequest, FaultRule } from '../../local/emulators/faults';

const request = (url: string, body = '{}', method = 'POST'): FaultRequest => ({ method, url, headers: {}, body: Buffer.from(body), operation: `op ${url}` });

/** A 429 rule on every request whose URL contains `path`, `count` times. */
const throttle = (count: number, path = '/jobs', kind = 'Graph 429'): FaultRule => ({ kind, count, matches: (r) => r.url.includes(path), answer: { status: 429, body: { error: { code: 'TooManyRequests' } } } });

/** One request through the ledger, as an emulator serves it: a fault's status, or the service's. */
function send(ledger: FaultLedger, r: FaultRequest, serviceStatus = 200): number {
  const fault = ledger.intercept(r);
  const status = fault === undefined ? serviceStatus : fault === 'hang' ? 0 : fault.status;
  // A hung request never finishes, so it is never answered.
  if (fault !== 'hang') ledger.answered(r, status);
  return status;
}

const outcome = (ledger: FaultLedger, kind = 'Graph 429') => ledger.outcomes().find((o) => o.kind === kind);

describe('the fault ledger counts what the caller did, from the traffic', () => {
  it('a caller that gives up after the fault: injected, neither retried nor recovered', () => {
    const ledger = new FaultLedger();
    ledger.arm(throttle(1));
    expect(send(ledger, request('/jobs/1/start'))).toBe(429);
    // The caller goes on to something else: a different request is no retry of the faulted one.
    send(ledger, request('/users'));
    expect(outcome(ledger)).toEqual({ kind: 'Graph 429', injected: 1, retried: 0, recovered: 0 });
  });

  it('a caller that retries but keeps failing: retried, not recovered', () => {
    const ledger = new FaultLedger();
    ledger.arm(throttle(1));
    const start = request('/jobs/1/start');
    expect(send(ledger, start)).toBe(429);
    // The same request again; the service itself now refuses it.
    expect(send(ledger, start, 500)).toBe(500);
    expect(send(ledger, start, 503)).toBe(503);
    expect(outcome(ledger)).toEqual({ kind: 'Graph 429', injected: 1, retried: 1, recovered: 0 });
  });

  it('a caller that retries and gets through: retried and recovered', () => {
    const ledger = new FaultLedger();
    ledger.arm(throttle(2));
    const start = request('/jobs/1/start');
    expect([send(ledger, start), send(ledger, start), send(ledger, start)]).toEqual([429, 429, 200]);
    expect(outcome(ledger)).toEqual({ kind: 'Graph 429', injected: 2, retried: 2, recovered: 2 });
    expect(ledger.pending()).toBe(0);
  });

  it('a retry is the same method, URL and body: a changed body is a new request, its success recovers nothing', () => {
    const ledger = new FaultLedger();
    ledger.arm(throttle(1));
    send(ledger, request('/jobs/1/start', '{"a":1}'));
    send(ledger, request('/jobs/1/start', '{"a":2}'));
    send(ledger, request('/jobs/1/start', '{"a":1}', 'PUT'));
    expect(outcome(ledger)).toEqual({ kind: 'Graph 429', injected: 1, retried: 0, recovered: 0 });
  });

  it('counts each fault on its own: one caller recovers, another gives up, a third retries in vain', () => {
    const ledger = new FaultLedger();
    ledger.arm(throttle(3));
    const [a, b, c] = ['/jobs/a', '/jobs/b', '/jobs/c'].map((u) => request(u));
    send(ledger, a);
    send(ledger, b);
    send(ledger, c);
    send(ledger, a); // a retried: 200
    send(ledger, c, 503); // c retried: the service fails it
    expect(outcome(ledger)).toEqual({ kind: 'Graph 429', injected: 3, retried: 2, recovered: 1 });
  });

  it('a hung request that is sent again and answered is retried and recovered; one never sent again is neither', () => {
    const ledger = new FaultLedger();
    ledger.arm({ kind: 'hang', count: 2, matches: () => true, answer: 'hang' });
    const [a, b] = [request('/a'), request('/b')];
    send(ledger, a);
    send(ledger, b);
    send(ledger, a);
    expect(outcome(ledger, 'hang')).toEqual({ kind: 'hang', injected: 2, retried: 1, recovered: 1 });
  });

  it('keeps kinds apart, and reports an armed rule that never fired as injected 0', () => {
    const ledger = new FaultLedger();
    ledger.arm(throttle(1, '/jobs', 'jobs 429'));
    ledger.arm(throttle(1, '/secrets', 'secrets 429'));
    ledger.arm(throttle(1, '/never', 'never 429'));
    const [jobs, secrets] = [request('/jobs/1'), request('/secrets')];
    send(ledger, jobs);
    send(ledger, secrets);
    send(ledger, jobs);
    expect(ledger.outcomes()).toEqual([
      { kind: 'jobs 429', injected: 1, retried: 1, recovered: 1 },
      { kind: 'secrets 429', injected: 1, retried: 0, recovered: 0 },
      { kind: 'never 429', injected: 0, retried: 0, recovered: 0 },
    ]);
    expect(ledger.pending()).toBe(1);
  });

  it('a success before the fault recovers nothing: only a later answer does', () => {
    const ledger = new FaultLedger();
    const start = request('/jobs/1/start');
    send(ledger, start); // answered 200 before any rule is armed
    ledger.arm(throttle(1));
    send(ledger, start);
    expect(outcome(ledger)).toEqual({ kind: 'Graph 429', injected: 1, retried: 0, recovered: 0 });
  });
});
