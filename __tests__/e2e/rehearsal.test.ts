import { expectGreenRehearsal } from '../support/rehearsal';

// The main job (npm start) as the end-to-end test: the whole lifecycle against the emulators.
// Each rehearsal run has a file of its own, so that jest's workers share them out. Their time limits only end a hung
// run: a rehearsal takes 3 to 5 minutes on a busy 2-core machine (297 s once beside the rest of the suite).
describe('rehearsal of the whole lifecycle', () => {
  it('runs clean to a green report', () => expectGreenRehearsal([]), 540_000);
});
