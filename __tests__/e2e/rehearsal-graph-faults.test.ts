import { expectGreenRehearsal } from '../support/rehearsal';

// The federation scope: the faults hit the federation steps, not the group, PIM or access parts.
describe('rehearsal with Graph faults', () => {
  it("outlasts Graph faults on the product's calls: 429 with Retry-After, 503, 404 after its create, a hung call", () =>
    expectGreenRehearsal(['throttle', 'server-error', 'not-found-after-create', 'graph-hang'], [/^Graph 429 with Retry-After on the product's calls: every one retried and recovered$/], 'federation'), 300_000);
});
