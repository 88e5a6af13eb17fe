import { Fault, FAULT_PLANS } from '../../local/rehearsal/faults';
import { runRehearsal } from '../../local/rehearsal/run';

/**
 * Runs the rehearsal silently and expects every check of its report to hold: the whole product, or
 * (scope 'federation', the fault runs) the base stacks, azure-id and the federation steps.
 */
export async function expectGreenRehearsal(faults: Fault[], extraChecks: RegExp[] = [], scope: 'full' | 'federation' = 'full'): Promise<void> {
  const report = await runRehearsal({ faults, renderer: 'silent', scope });
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
    /^npm run federation -- leftovers after destroy: nothing left in either instance or in Entra$/,
    /^every resource created is destroyed, stack by stack$/,
    /^no secret in output, state, records, temp files or child environments$/,
    ...extraChecks,
    ...(scope === 'full' ? PRODUCT_CHECKS : []),
  ]) {
    expect(names).toContainEqual(expect.stringMatching(expected));
  }
  // Every stack created something, and destroyed exactly what it created.
  for (const [stack, r] of Object.entries(report.resources)) expect([stack, r.created > 0, r.destroyed]).toEqual([stack, true, r.created]);
  // The full rehearsal's config puts AWS-Admins' access in <instance>-access-admin (local/rehearsal/groups.ts, REHEARSAL_SPLIT):
  // each split stack is deployed, planned again with no change, and destroyed on its own.
  const access = ['aws-commercial-access', 'aws-commercial-access-admin', 'aws-govcloud-access', 'aws-govcloud-access-admin'];
  const stacks = ['aws-commercial', 'aws-govcloud', 'azure-id', ...(scope === 'full' ? access : [])];
  expect(Object.keys(report.resources).sort()).toEqual([...stacks].sort());
  const secondDeploy = report.checks.find((c) => c.what === 'second deploy: 0 changes and 0 write calls')!;
  expect(secondDeploy.detail).toContain(`0 changes in each of aws-commercial, aws-govcloud${scope === 'full' ? `, ${access.join(', ')}` : ''};`);
  expectFaultsOutlasted(report, faults);
}

/** What the full rehearsal proves beyond federation: groups across the Organization, the access report, just-in-time admin. */
const PRODUCT_CHECKS = [
  /^group assignments in aws-commercial: exactly those of the config/,
  /^group assignments in aws-govcloud: exactly those of the config/,
  /^NikkiWolf signs in to aws-govcloud and may use member accounts through her groups$/,
  /^RichRoe removed from AWS-Base in Entra: the identity store of aws-commercial follows$/,
  /^RichRoe added to AWS-Base in Entra: the identity store of aws-commercial follows$/,
  /^access report after deploy: no finding in aws-commercial$/,
  /^access report after deploy: no finding in aws-govcloud$/,
  /^access report finds an orphan \(the assigned user deleted from the identity store\) made by hand in aws-commercial$/,
  /^access report finds an unmanaged assignment \(no config entry means it\) made by hand in aws-commercial$/,
  /^access report finds a membership drift \(a member added in the identity store, not in Entra\) made by hand in aws-commercial$/,
  /^access report after undoing them: no finding in aws-commercial$/,
  /^NikkiWolf signs in through the JIT app registration: her token carries exactly the scopes the commands need, and a call outside them is refused$/,
  /^NikkiWolf is eligible for AWS-Admins, not a member: her sign-in grants only AWS-Base's access in both instances$/,
  /^npm run elevate: activation → NikkiWolf in AWS-Admins in both identity stores$/,
  /^after elevate her sign-in carries AdministratorAccess through AWS-Admins in both instances$/,
  /^npm run revoke within PIM's minimum: NikkiWolf gone from AWS-Admins in both identity stores and from her sign-in at once, exit 1 \(Entra keeps the activation\)$/,
  /^npm run revoke again after the minimum: Entra ends the activation, AWS stays without it, exit 0$/,
  /^after Entra's next cycles, AWS-Admins stays out of her sign-in$/,
  /^without Status, each access stack stops at its plan with the upgrade message, and no assignment is deleted$/,
  /^removing the admin stacks from identityCenter\.accessStacks while their state holds assignments is refused before any call$/,
  /^moving AWS-Admins's entries back to <instance>-access in one deploy is refused before any call, naming both stacks$/,
  /^the access report calls the assignment on the account moved out of Workloads in aws-commercial out of scope before the deploy$/,
  /^the access report calls the assignment on the account moved out of Workloads in aws-govcloud out of scope before the deploy$/,
  /^AWS-Admins's entries removed and an account moved out of Workloads: none of those assignments left in aws-commercial, the others unchanged$/,
  /^AWS-Admins's entries removed and an account moved out of Workloads: none of those assignments left in aws-govcloud, the others unchanged$/,
  /^once deployed empty, the admin stacks may leave identityCenter\.accessStacks$/,
  /^an activation of PT5S that expires without revoke leaves both identity stores at the next cycle, not before it ends$/,
];

/**
 * Each planned fault was injected on the calls it aims at (the product's, or Entra's SCIM calls),
 * and every injected one was retried and recovered from, by the count the emulators kept.
 */
function expectFaultsOutlasted(report: Awaited<ReturnType<typeof runRehearsal>>, faults: Fault[]): void {
  const planned = faults.map((f) => FAULT_PLANS[f]).filter((plan) => plan !== undefined);
  expect(report.faults).toHaveLength(planned.length);
  for (const [i, plan] of planned.entries()) {
    const outcome = report.faults[i];
    expect(outcome.retrier).toBe(plan!.retrier);
    expect(outcome.injected).toBeGreaterThan(0);
    expect([outcome.retried, outcome.recovered]).toEqual([outcome.injected, outcome.injected]);
  }
}
