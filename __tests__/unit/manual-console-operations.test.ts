/**
 * Every manual console operation (--manual): the console steps it prints, and what it takes back
 * from the operator. A scripted prompt stands in for the terminal.
 */
import { X509Certificate } from 'node:crypto';
import { askCertificate, ManualConsoleOperations, tenantOfEndpoint } from '../../scripts/clients/manual-console-operations';
import { OperatorPrompt } from '../../scripts/clients/operator-prompt';
import { signingCertificate, SigningCertificate } from '../support/entra-fake';

class ScriptedPrompt implements OperatorPrompt {
  readonly said: string[] = [];
  readonly asked: string[] = [];
  constructor(private readonly answers: string[]) {}
  say(text: string) {
    this.said.push(text);
  }
  async ask(question: string) {
    this.asked.push(question);
    if (!this.answers.length) throw new Error(`no answer scripted for "${question}"`);
    return this.answers.shift()!;
  }
  askSecret(question: string) {
    return this.ask(question);
  }
  get left() {
    return this.answers.length;
  }
}

const ENDPOINT = 'https://scim.us-east-1.amazonaws.com/a1b2c3d4-5678-90ab-cdef-1234567890ab/scim/v2/';
let certificate: SigningCertificate;
beforeAll(async () => {
  certificate = await signingCertificate();
});

function manual(answers: string[]) {
  const prompt = new ScriptedPrompt(answers);
  return { prompt, ops: new ManualConsoleOperations(prompt, 'aws-commercial us-east-1'), printed: () => prompt.said.join('\n') };
}

const lines = (pem: string) => pem.trim().split('\n');
const samePrint = (pem: string) => new X509Certificate(pem).fingerprint256 === new X509Certificate(certificate.pem).fingerprint256;

describe('a pasted certificate, in any line layout', () => {
  it.each([
    ['a PEM over many lines, as the console shows it', () => lines(certificate.pem)],
    ['a PEM on one line', () => [lines(certificate.pem).join(' ')]],
    ['a PEM with lines of another width', () => [`-----BEGIN CERTIFICATE-----`, ...certificate.base64Der.match(/.{1,76}/g)!, '-----END CERTIFICATE-----']],
    ['bare base64', () => [certificate.base64Der]],
  ])('%s', async (_layout, answers) => {
    const prompt = new ScriptedPrompt(answers());
    expect(samePrint(await askCertificate(prompt, 'IdP certificate: '))).toBe(true);
    expect(prompt.left).toBe(0);
  });

  it('refuses what is not a certificate, saying what to paste', async () => {
    await expect(askCertificate(new ScriptedPrompt(['see the console']), 'IdP certificate: ')).rejects.toThrow(/paste the PEM/);
  });
});

describe('the SCIM endpoint names the tenant', () => {
  it('takes the tenant id from the endpoint, with or without the trailing slash', () => {
    expect(tenantOfEndpoint(ENDPOINT)).toBe('a1b2c3d4-5678-90ab-cdef-1234567890ab');
    expect(tenantOfEndpoint(ENDPOINT.slice(0, -1))).toBe('a1b2c3d4-5678-90ab-cdef-1234567890ab');
    expect(() => tenantOfEndpoint('https://example.com/')).toThrow(/copy it again from the console/);
  });
});

describe('every manual operation', () => {
  it('getSpSamlConfig: reads the issuer and ACS URL', async () => {
    const { ops, printed } = manual(['https://us-east-1.signin.aws/platform/saml/d-1234567890', 'https://us-east-1.signin.aws/platform/saml/acs/abc']);
    expect(await ops.getSpSamlConfig()).toEqual({ issuer: 'https://us-east-1.signin.aws/platform/saml/d-1234567890', acsUrl: 'https://us-east-1.signin.aws/platform/saml/acs/abc' });
    expect(printed()).toContain('Service provider metadata');
  });

  it('getExternalIdp: none when the identity source is not an external IdP', async () => {
    expect(await manual(['n']).ops.getExternalIdp()).toBeUndefined();
  });

  it('getExternalIdp: the IdP values, with a multi-line PEM (a --manual re-run reads them back)', async () => {
    const { ops, prompt } = manual(['y', 'https://sts.windows.net/t/', 'https://login.microsoftonline.com/t/saml2', ...lines(certificate.pem)]);
    const idp = await ops.getExternalIdp();
    expect(idp).toMatchObject({ isEnabled: true, entityId: 'https://sts.windows.net/t/', loginUrl: 'https://login.microsoftonline.com/t/saml2' });
    expect(samePrint(idp!.certificates[0].pem)).toBe(true);
    expect(prompt.left).toBe(0);
  });

  it('createExternalIdp: prints the steps and the metadata to upload', async () => {
    const { ops, printed } = manual(['']);
    await ops.createExternalIdp('d-1', '<EntityDescriptor entityID="x"/>');
    expect(printed()).toMatch(/Change identity source → External identity provider[\s\S]*<EntityDescriptor entityID="x"\/>/);
  });

  it('enableExternalIdp: nothing to do (the console enables it when it changes the source)', async () => {
    const { ops, prompt } = manual([]);
    await ops.enableExternalIdp();
    expect(prompt.asked).toEqual([]);
  });

  it('updateExternalIdp: prints the values to type', async () => {
    const { ops, printed } = manual(['']);
    await ops.updateExternalIdp('d-1', 'console', { entityId: 'https://sts.windows.net/t/', loginUrl: 'https://login.microsoftonline.com/t/saml2' });
    expect(printed()).toMatch(/IdP issuer URL: https:\/\/sts\.windows\.net\/t\/[\s\S]*IdP sign-in URL: https:\/\/login\.microsoftonline\.com\/t\/saml2/);
  });

  it('importIdpCertificate: prints the certificate to paste', async () => {
    const { ops, printed } = manual(['']);
    await ops.importIdpCertificate('d-1', 'console', certificate.pem);
    expect(printed()).toContain('Import certificate');
    expect(printed()).toContain(lines(certificate.pem)[1]);
  });

  it('deleteIdpCertificate: says which certificates to delete', async () => {
    const { ops, printed } = manual(['']);
    await ops.deleteIdpCertificate();
    expect(printed()).toContain('Delete every certificate except the one just imported');
  });

  it('removeExternalIdp: back to the Identity Center directory', async () => {
    const { ops, printed } = manual(['']);
    await ops.removeExternalIdp();
    expect(printed()).toContain('Identity Center directory');
  });

  it('listProvisioningTenants: none when provisioning is manual, else the tenant its endpoint names', async () => {
    expect(await manual(['n']).ops.listProvisioningTenants()).toEqual([]);
    expect(await manual(['y', ENDPOINT]).ops.listProvisioningTenants()).toEqual([{ tenantId: 'a1b2c3d4-5678-90ab-cdef-1234567890ab', scimEndpoint: ENDPOINT }]);
  });

  it('createProvisioningTenant: the endpoint the console shows, and its tenant', async () => {
    const { ops, printed } = manual([` ${ENDPOINT} `]);
    expect(await ops.createProvisioningTenant()).toEqual({ tenantId: 'a1b2c3d4-5678-90ab-cdef-1234567890ab', scimEndpoint: ENDPOINT });
    expect(printed()).toContain('Automatic provisioning → Enable');
  });

  it('deleteProvisioningTenant: disable automatic provisioning', async () => {
    const { ops, printed } = manual(['']);
    await ops.deleteProvisioningTenant();
    expect(printed()).toContain('Automatic provisioning → Disable');
  });

  it('listBearerTokens: as many as the operator counts', async () => {
    expect(await manual(['2']).ops.listBearerTokens()).toHaveLength(2);
    expect(await manual(['none']).ops.listBearerTokens()).toEqual([]);
  });

  it('createBearerToken: the token read without echo, never printed', async () => {
    const { ops, prompt, printed } = manual(['scim-token-value']);
    const { token, info } = await ops.createBearerToken();
    expect(token.reveal()).toBe('scim-token-value');
    expect(info.expirationTime - info.creationTime).toBe(365 * 24 * 3600);
    expect(printed()).not.toContain('scim-token-value');
    expect(prompt.asked).toEqual(['Access token (not echoed): ']);
  });

  it('deleteBearerToken: the oldest token goes', async () => {
    const { ops, printed } = manual(['']);
    await ops.deleteBearerToken();
    expect(printed()).toContain('Delete the token with the earliest creation date');
  });
});
