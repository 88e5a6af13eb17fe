import { AccountAssignmentRequests, SSO_ADMIN_LIMITS } from '../../local/emulators/aws/account-assignments';

/** The sso-admin rate limit as AWS applies API limits: a token bucket (20 calls a second, a burst of 20), not calendar seconds. */
describe('AWS emulator: the sso-admin rate limit', () => {
  let now = 0;
  const at = (ms: number) => (now = ms);
  const requests = () => new AccountAssignmentRequests(() => now);
  /** How many of `n` calls made at the current instant are admitted. */
  const admitted = (limiter: AccountAssignmentRequests, n: number) =>
    Array.from({ length: n }, () => {
      try {
        limiter.admit();
        return true;
      } catch (error) {
        expect(error).toMatchObject({ status: 400, type: 'ThrottlingException' });
        return false;
      }
    }).filter(Boolean).length;

  beforeEach(() => at(10_000));

  it('admits a burst of 20 calls at once and throttles the 21st', () => {
    const limiter = requests();
    expect(admitted(limiter, SSO_ADMIN_LIMITS.tps + 1)).toBe(SSO_ADMIN_LIMITS.tps);
  });

  it('refills at 20 calls a second: 100 ms after an empty bucket, 2 more calls pass', () => {
    const limiter = requests();
    admitted(limiter, SSO_ADMIN_LIMITS.tps);
    at(10_100);
    expect(admitted(limiter, 5)).toBe(2);
  });

  it('throttles 20 calls just after a burst of 20, even when they fall in the next calendar second', () => {
    const limiter = requests();
    at(10_990);
    expect(admitted(limiter, 20)).toBe(20);
    at(11_010);
    expect(admitted(limiter, 20)).toBe(0);
  });

  it('admits a steady 20 calls a second indefinitely, whatever the phase of the calendar second', () => {
    const limiter = requests();
    let throttled = 0;
    for (let i = 0; i < 200; i += 1) {
      at(10_025 + i * 50);
      throttled += 1 - admitted(limiter, 1);
    }
    expect(throttled).toBe(0);
  });

  it('lets every call through when a test lifts the limit', () => {
    const limiter = requests();
    limiter.limits = { ...limiter.limits, tps: Infinity };
    expect(admitted(limiter, 1000)).toBe(1000);
  });
});
