import { describeWithTools } from './support/tools';
import { expectGreenRehearsal } from './support/rehearsal';

// The main job (npm start) as the end-to-end test: the whole lifecycle against the emulators.
describeWithTools(['terraform', 'moto_server', 'mirror'], 'rehearsal of the whole lifecycle', () => {
  it('runs clean to a green report', () => expectGreenRehearsal([]), 240_000);

  it('outlasts Graph throttling (429 with Retry-After)', () => expectGreenRehearsal(['throttle'], [/every injected Graph fault/]), 240_000);

  it('outlasts Graph 5xx answers', () => expectGreenRehearsal(['server-error'], [/every injected Graph fault/]), 240_000);
});
