import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesUnder, findLeaks } from '../../local/rehearsal/secret-scan';
import { synthToDisk } from '../../synth-to-disk';
import { hostileConfig } from '../support/hostile-config';

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

describe('the synthesized stacks hold no secret', () => {
  // What a deployer's machine holds while it synthesizes: credentials in the environment, a file that config text
  // asks Terraform to read (that Terraform does not read it: __tests__/integration/config-literal.test.ts).
  const dir = mkdtempSync(join(tmpdir(), 'synth-scan-'));
  const fileSecret = { what: 'a file config text names', value: `file-secret-${process.pid}` };
  writeFileSync(join(dir, 'secret.txt'), fileSecret.value);
  const awsKey = { what: 'an AWS secret access key in the environment', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1' };
  const azureSecret = { what: 'an Azure client secret in the environment', value: 'azure-client-secret-value-0123456789' };

  it('writes neither the environment\'s credentials, nor a file config text names, nor a private key, in any stack', () => {
    const stacks = synthToDisk(
      { AWS_SECRET_ACCESS_KEY: awsKey.value, ARM_CLIENT_SECRET: azureSecret.value, AWS_ENDPOINT_URL: undefined },
      { dir: mkdtempSync(join(tmpdir(), 'synth-out-')), rawConfig: hostileConfig(` \${file("${join(dir, 'secret.txt')}")}`) },
    );
    const files = filesUnder(stacks);
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['aws-commercial/cdk.tf.json', 'azure-id/cdk.tf.json']));
    expect(findLeaks([fileSecret, awsKey, azureSecret], files)).toEqual([]);
    // The Entra users' initial password is Terraform's uuid(), evaluated at apply: synth never knows it (constructs/entra-test-user.ts).
    const users = JSON.parse(files.find((f) => f.name === 'azure-id/cdk.tf.json')!.text).resource.azuread_user;
    for (const user of Object.values(users) as { password: string }[]) expect(user.password).toBe('${uuid()}Aa1!');
  });
});
