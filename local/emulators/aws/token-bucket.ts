/**
 * An API rate limit enforced the way AWS documents it for its APIs ("Request throttling for the Amazon
 * EC2 API", "… for the Amazon ECS API": "uses the token bucket algorithm"): the bucket refills at the
 * sustained rate and holds at most the burst; each call takes a token; a call that finds none is
 * throttled and takes none. unverified: Identity Center publishes rates but no bursts; the emulator
 * allows one second's worth, the least any bucket allows.
 */
export class TokenBucket {
  private tokens?: number;
  private at = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Takes a token at `rate` calls a second (Infinity: no limit); false when none is left. */
  take(rate: number): boolean {
    if (rate === Infinity) return true;
    const now = this.clock();
    this.tokens = Math.min(rate, this.tokens === undefined ? rate : this.tokens + ((now - this.at) / 1000) * rate);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
