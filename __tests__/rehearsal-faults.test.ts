import { describeWithTools } from './support/tools';
import { expectGreenRehearsal } from './support/rehearsal';

describeWithTools(['terraform', 'moto_server', 'mirror'], 'rehearsal with faults', () => {
  it('outlasts the 404 that follows a create', () => expectGreenRehearsal(['not-found-after-create'], [/every injected Graph fault/]), 240_000);

  it('recovers from a SCIM token revoked mid-run', () => expectGreenRehearsal(['token-revoked'], [/quarantine/, /post-apply again issues a new token/]), 240_000);

  it('completes a post-apply interrupted halfway when deployed again', () => expectGreenRehearsal(['interrupted'], [/interrupted post-apply stops the deploy/, /after the interruption completes/]), 240_000);
});
