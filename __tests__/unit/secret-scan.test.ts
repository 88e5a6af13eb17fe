import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder, findLeaks } from '../../local/rehearsal/secret-scan';

// Built at run time, so that no scan of the repository mistakes this test for a committed key.
const PEM_KEY_HEADER = ['-----BEGIN RSA', 'PRIVATE KEY-----'].join(' ');

describe("the rehearsal's secret scan", () => {
  const token = { what: 'a SCIM bearer token', value: 'c2VjcmV0LXRva2VuLXZhbHVl' };
  const password = { what: "an Entra user's initial password", value: '3f1c0a9e-7b7d-4b8e-9d53-0c0ffee00000Aa1!' };

  it('finds each secret where it appears, and a private key anywhere', () => {
    const leaks = findLeaks([token, password], [
      { name: 'output of post-apply', text: `saved token ${token.value}` },
      { name: 'terraform.azure-id.tfstate', text: JSON.stringify({ password: password.value }) },
      { name: 'records/aws-commercial.json', text: `${PEM_KEY_HEADER}\nMII…` },
      { name: 'environment of post-apply', text: JSON.stringify({ FEDERATION_INPUT: '{"instance":"aws-commercial"}' }) },
    ]);
    expect(leaks).toEqual([
      { source: 'output of post-apply', what: token.what },
      { source: 'terraform.azure-id.tfstate', what: password.what },
      { source: 'records/aws-commercial.json', what: 'a private key' },
    ]);
  });

  it('reads every file under the run folder, nested ones included, and skips provider plugins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    mkdirSync(join(dir, 'records'));
    mkdirSync(join(dir, 'stacks', 'azure-id', '.terraform'), { recursive: true });
    writeFileSync(join(dir, 'records', 'aws-govcloud.json'), `{"token":"${token.value}"}`);
    writeFileSync(join(dir, 'stacks', 'azure-id', 'terraform.tfstate.backup'), password.value);
    writeFileSync(join(dir, 'stacks', 'azure-id', '.terraform', 'provider'), token.value);
    const leaks = findLeaks([token, password], filesUnder(dir));
    expect(leaks.map((l) => l.source).sort()).toEqual(['records/aws-govcloud.json', 'stacks/azure-id/terraform.tfstate.backup']);
  });
});
