import { describeWithTools } from '../support/tools';
import { expectGreenRehearsal } from '../support/rehearsal';

describeWithTools(['terraform', 'moto_server', 'mirror'], 'rehearsal with the SCIM token revoked', () => {
  it('recovers from a SCIM token revoked mid-run', () => expectGreenRehearsal(['token-revoked'], [/quarantine/, /post-apply again issues a new token/], 'federation'), 240_000);
});
