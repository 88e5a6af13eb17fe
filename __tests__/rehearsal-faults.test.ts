import { describeWithTools } from './support/tools';
import { expectGreenRehearsal } from './support/rehearsal';

// The interrupted fault has its own test: rehearsal-interruption.test.ts.
describeWithTools(['terraform', 'moto_server', 'mirror'], 'rehearsal with faults', () => {
  it('outlasts console API throttling, 5xx and a hung call', () =>
    expectGreenRehearsal(['console-throttle', 'console-server-error', 'console-hang'], [/^console API call hung \(no answer\) on the product's calls/]), 300_000);

  it('outlasts identity store throttling and a hung call, and SCIM throttling (retried by Entra, not the product)', () =>
    expectGreenRehearsal(['identity-store-throttle', 'identity-store-hang', 'scim-throttle'], [/^SCIM 429 with Retry-After on Entra's SCIM calls \(the sync engine's, not the product's\)/]), 300_000);

  it('recovers from a SCIM token revoked mid-run', () => expectGreenRehearsal(['token-revoked'], [/quarantine/, /post-apply again issues a new token/]), 240_000);
});
