// Without timings from an earlier run (a fresh clone, as in CI), Jest starts the largest test files first. The
// end-to-end files are the smallest and the longest runs (a rehearsal takes 3 to 4 minutes), so they started last
// and the suite waited on them with the other workers idle. They start first; the rest keep Jest's order.
const { sep } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const endToEnd = (test) => test.path.includes(`${sep}__tests__${sep}e2e${sep}`);

class EndToEndFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter(endToEnd), ...sorted.filter((test) => !endToEnd(test))];
  }
}

module.exports = EndToEndFirst;
