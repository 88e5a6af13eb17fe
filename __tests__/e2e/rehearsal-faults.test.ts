import { expectGreenRehearsal } from '../support/rehearsal';

// Graph faults, a revoked token and an interruption have files of their own (rehearsal-*.test.ts).
describe('rehearsal with AWS and SCIM faults', () => {
  // The federation scope: the faults hit the federation steps and Entra's SCIM calls, not the group, PIM or access parts.
  it("outlasts AWS faults on the product's calls (console API throttling, 5xx and a hung call; identity store throttling and a hung call) and SCIM throttling (retried by Entra, not the product)", () =>
    expectGreenRehearsal(
      ['console-throttle', 'console-server-error', 'console-hang', 'identity-store-throttle', 'identity-store-hang', 'scim-throttle'],
      [/^console API call hung \(no answer\) on the product's calls/, /^SCIM 429 with Retry-After on Entra's SCIM calls \(the sync engine's, not the product's\)/],
      'federation',
    ), 300_000);
});
