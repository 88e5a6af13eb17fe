import { expectGreenRehearsal } from '../support/rehearsal';

// A revoked token and an interruption have files of their own (rehearsal-*.test.ts).
describe('rehearsal with AWS, Graph and SCIM faults', () => {
  // The federation scope: the faults hit the federation steps and Entra's SCIM calls, not the group, PIM or access parts.
  // One run with every fault at once: each is aimed at different calls, and the run is what a bad day looks like.
  it("outlasts faults on the product's calls (Graph 429 with Retry-After, 503, 404 after its create, a hung call; console API throttling, 5xx and a hung call; identity store throttling and a hung call) and SCIM throttling (retried by Entra, not the product)", () =>
    expectGreenRehearsal(
      ['throttle', 'server-error', 'not-found-after-create', 'graph-hang', 'console-throttle', 'console-server-error', 'console-hang', 'identity-store-throttle', 'identity-store-hang', 'scim-throttle'],
      [
        /^Graph 429 with Retry-After on the product's calls: every one retried and recovered$/,
        /^console API call hung \(no answer\) on the product's calls/,
        /^SCIM 429 with Retry-After on Entra's SCIM calls \(the sync engine's, not the product's\)/,
      ],
      'federation',
    ), 300_000);
});
