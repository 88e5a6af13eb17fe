import { expectGreenRehearsal } from '../support/rehearsal';

// The main job (npm start) as the end-to-end test: the whole lifecycle against the emulators.
// Each rehearsal run has a file of its own, so that jest's workers share them out.
describe('rehearsal of the whole lifecycle', () => {
  it('runs clean to a green report', () => expectGreenRehearsal([]), 300_000);
});
