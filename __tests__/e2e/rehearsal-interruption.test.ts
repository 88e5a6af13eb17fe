import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRehearsal } from '../../local/rehearsal/run';

describe('rehearsal: interrupted federation runs, and its temporary folder', () => {
  it('stops post-apply on a signal and on its shell killed, leaves no process behind, completes when deployed again, and removes its folder', async () => {
    // A private TMPDIR (os.tmpdir reads it on each call), so other runs' folders do not count.
    const saved = process.env.TMPDIR;
    const privateTmp = mkdtempSync(join(tmpdir(), 'rehearsal-tmp-'));
    process.env.TMPDIR = privateTmp;
    try {
      const report = await runRehearsal({ faults: ['interrupted'], renderer: 'silent', scope: 'federation' });
      if (!report.ok) console.error(report.lines().join('\n'));
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.checks.map((c) => c.what)).toEqual(
        expect.arrayContaining([
          'an interrupted post-apply stops the deploy (signal), and no federation process survives it',
          'an interrupted post-apply stops the deploy (kill-shell), and no federation process survives it',
          'deploying again after the interruption completes the federation',
          'RichRoe created by SCIM in aws-commercial',
          'after destroy: 0 objects left in the AWS emulator',
        ]),
      );
      expect(readdirSync(privateTmp).filter((name) => name.startsWith('rehearsal-'))).toEqual([]);
    } finally {
      process.env.TMPDIR = saved;
    }
  }, 540_000);
});
