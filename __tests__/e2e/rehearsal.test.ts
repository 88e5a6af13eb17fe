import { describeWithTools } from '../support/tools';
import { expectGreenRehearsal } from '../support/rehearsal';

// The main job (npm start) as the end-to-end test: the whole lifecycle against the emulators.
describeWithTools(['terraform', 'moto_server', 'mirror'], 'rehearsal of the whole lifecycle', () => {
  it('runs clean to a green report', () => expectGreenRehearsal([]), 240_000);

  it("outlasts Graph faults on the product's calls: 429 with Retry-After, 503, 404 after its create, a hung call", () =>
    expectGreenRehearsal(['throttle', 'server-error', 'not-found-after-create', 'graph-hang'], [/^Graph 429 with Retry-After on the product's calls: every one retried and recovered$/], 'federation'), 300_000);
});
