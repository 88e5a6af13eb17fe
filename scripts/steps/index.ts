import { identitySource } from './identity-source';
import { provisionGroups } from './provision-groups';
import { provisionOnDemand } from './provision-on-demand';
import { rotateToken } from './rotate-token';
import { scimTenant } from './scim-tenant';
import { scimToken } from './scim-token';
import { signingCertificate } from './signing-certificate';
import { startSync } from './start-sync';
import { Runnable, Step } from './step';
import { verification } from './verify';

/** The steps in the order post-apply runs them (the catalog's order, which a test holds to). */
export const STEPS: readonly Step[] = [signingCertificate, identitySource, scimTenant, scimToken, startSync, provisionOnDemand, provisionGroups];

export type Phase = 'post-apply' | 'pre-destroy' | 'rotate-token';

/** Post-apply is the applies then the checks; pre-destroy the undos, last step first. */
export function phase(name: Phase, steps: readonly Step[] = STEPS): readonly Runnable[] {
  if (name === 'rotate-token') return [rotateToken];
  if (name === 'post-apply') return [...steps.map((s) => ({ id: s.id, label: s.label, why: s.why, run: s.apply })), verification(steps)];
  return steps
    .filter((s): s is Step & Required<Pick<Step, 'undo' | 'teardown'>> => Boolean(s.undo && s.teardown))
    .reverse()
    .map((s) => ({ id: s.id, label: s.teardown.label, why: s.teardown.why, run: s.undo }));
}
