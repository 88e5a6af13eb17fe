import { Fault, runRehearsal } from '../../rehearsal/run';

/** Runs the rehearsal silently and expects every check of its report to hold. */
export async function expectGreenRehearsal(faults: Fault[], extraChecks: RegExp[] = []): Promise<void> {
  const report = await runRehearsal({ faults, renderer: 'silent' });
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length) console.error(report.lines().join('\n'));
  expect(failed).toEqual([]);
  expect(report.ok).toBe(true);
  const names = report.checks.map((c) => c.what);
  for (const expected of [
    /^RichRoe created by SCIM in aws-commercial$/,
    /^RichRoe created by SCIM in aws-govcloud$/,
    /^NikkiWolf signs in to aws-commercial with Department passed$/,
    /^NikkiWolf signs in to aws-govcloud with Department passed$/,
    /^identity source of aws-govcloud is the external IdP$/,
    /^second deploy: 0 changes and 0 write calls$/,
    /^after destroy: 0 objects left in the AWS emulator$/,
    /^after destroy: 0 objects left in the Entra emulator$/,
    ...extraChecks,
  ]) {
    expect(names).toContainEqual(expect.stringMatching(expected));
  }
  expect(report.resources).toMatchObject({ 'aws-commercial': { created: 8, destroyed: 8 }, 'aws-govcloud': { created: 8, destroyed: 8 }, 'azure-id': { created: 18, destroyed: 18 } });
}
