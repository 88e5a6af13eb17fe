import { expectGreenRehearsal } from '../support/rehearsal';

describe('rehearsal with the SCIM token revoked', () => {
  it('recovers from a SCIM token revoked mid-run', () => expectGreenRehearsal(['token-revoked'], [/quarantine/, /post-apply again issues a new token/], 'federation'), 240_000);
});
