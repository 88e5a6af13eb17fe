import { expectGreenRehearsal } from '../support/rehearsal';

// An interruption has a file of its own (rehearsal-interruption.test.ts).
describe('rehearsal with AWS, Graph and SCIM faults, and the SCIM token revoked', () => {
  // The federation scope: the faults hit the federation steps and Entra's SCIM calls, not the group, PIM or access parts.
  // One run with every fault at once: each is aimed at different calls, and the run is what a bad day looks like.
  it("outlasts faults on the product's calls (Graph 429 with Retry-After, 503, 404 after its create, a hung call; console API throttling, 5xx and a hung call; identity store throttling and a hung call) and SCIM throttling (retried by Entra, not the product), and recovers from a SCIM token revoked mid-run", () =>
    expectGreenRehearsal(
      ['throttle', 'server-error', 'not-found-after-create', 'graph-hang', 'console-throttle', 'console-server-error', 'console-hang', 'identity-store-throttle', 'identity-store-hang', 'scim-throttle', 'token-revoked'],
      [
        /^Graph 429 with Retry-After on the product's calls: every one retried and recovered$/,
        /^console API call hung \(no answer\) on the product's calls/,
        /^SCIM 429 with Retry-After on Entra's SCIM calls \(the sync engine's, not the product's\)/,
        /quarantine/,
        /post-apply again issues a new token/,
      ],
      'federation',
    ), 540_000);
});
