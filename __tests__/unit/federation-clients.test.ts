import { inspect } from 'node:util';
import { GetUserIdCommand } from '@aws-sdk/client-identitystore';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { awsClients } from '../../scripts/clients/aws';
import { ManualConsoleOperations } from '../../scripts/clients/manual-console-operations';
import { OperatorPrompt } from '../../scripts/clients/operator-prompt';
import { explain } from '../../scripts/runner';
import { parseIdpMetadata } from '../../scripts/saml-metadata';
import { redact, Secret } from '../../scripts/secret';
import { FederationInput } from '../../scripts/federation-input';
import { federationMetadata, signingCertificate } from '../support/entra-fake';

const credentialsEnv = { AWS_ACCESS_KEY_ID: 'AKIAFIPSTEST', AWS_SECRET_ACCESS_KEY: 'x' };

describe('AWS clients', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  // The SDK's endpoint ruleset for identitystore (v3.1137) maps FIPS in aws-us-gov to
  // identitystore.{Region}.amazonaws.com: in GovCloud the standard host is the FIPS one.
  it('ask for FIPS endpoints in GovCloud, which resolve to the GovCloud FIPS hosts', async () => {
    const hosts: string[] = [];
    const fips: boolean[] = [];
    server.use(http.post(/amazonaws\.com/, ({ request }) => {
      hosts.push(new URL(request.url).host);
      return HttpResponse.json({ UserId: 'u', IdentityStoreId: 'd-1234567890' });
    }));
    const saved = { ...process.env };
    Object.assign(process.env, credentialsEnv);
    delete process.env.AWS_ENDPOINT_URL;
    try {
      for (const [partition, region] of [['aws-us-gov', 'us-gov-west-1'], ['aws', 'us-east-1']] as const) {
        const { identityStore } = awsClients({ awsProfile: 'default', region, partition }, { env: {} });
        fips.push(await identityStore.config.useFipsEndpoint());
        // fromIni falls back to nothing for a missing profile; pass static keys for the host check.
        identityStore.config.credentials = async () => ({ accessKeyId: 'AKIAFIPSTEST', secretAccessKey: 'x' });
        await identityStore.send(new GetUserIdCommand({ IdentityStoreId: 'd-1234567890', AlternateIdentifier: { UniqueAttribute: { AttributePath: 'UserName', AttributeValue: 'a' } } }));
      }
    } finally {
      process.env = saved;
    }
    expect(fips).toEqual([true, false]);
    expect(hosts).toEqual(['identitystore.us-gov-west-1.amazonaws.com', 'identitystore.us-east-1.amazonaws.com']);
  });
});

describe('the SCIM token', () => {
  it('never turns into text, and output is scrubbed of it', () => {
    const token = new Secret('scim-token-value-1234567890');
    expect(`${token}`).toBe('[secret]');
    expect(JSON.stringify({ token })).toBe('{"token":"[secret]"}');
    expect(inspect({ token })).not.toContain('scim-token-value');
    expect(redact('Bearer scim-token-value-1234567890 rejected')).toBe('Bearer [secret] rejected');
  });
});

describe('manual console operations', () => {
  function scriptedPrompt(answers: string[]) {
    const said: string[] = [];
    const asked: { question: string; secret: boolean }[] = [];
    const prompt: OperatorPrompt = {
      say: (text) => said.push(text),
      ask: async (question) => (asked.push({ question, secret: false }), answers.shift() ?? ''),
      askSecret: async (question) => (asked.push({ question, secret: true }), answers.shift() ?? ''),
    };
    return { prompt, said, asked };
  }

  it('walk the operator through generating a token and read it without echo', async () => {
    const { prompt, said, asked } = scriptedPrompt(['typed-token-value']);
    const { token } = await new ManualConsoleOperations(prompt, 'aws-govcloud us-gov-west-1').createBearerToken();
    expect(token.reveal()).toBe('typed-token-value');
    expect(asked).toEqual([{ question: 'Access token (not echoed): ', secret: true }]);
    expect(said.join('\n')).toContain('Settings → Identity source → Actions → Manage provisioning → Generate token');
  });

  it('read the SP values of guide step 3.1 back from the operator', async () => {
    const { prompt } = scriptedPrompt(['https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/d-9867000000', 'https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/acs/x']);
    await expect(new ManualConsoleOperations(prompt, 'aws-govcloud').getSpSamlConfig()).resolves.toEqual({
      issuer: 'https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/d-9867000000',
      acsUrl: 'https://us-gov-west-1.signin.amazonaws-us-gov.com/platform/saml/acs/x',
    });
  });
});

describe('federation metadata', () => {
  it('is read with a real XML parser', async () => {
    const certificate = await signingCertificate();
    const metadata = parseIdpMetadata(federationMetadata('72f988bf-86f1-41af-91ab-2d7cd011db47', [certificate]));
    expect(metadata).toEqual({
      entityId: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
      singleSignOnUrls: {
        'HTTP-Redirect': 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/saml2',
        'HTTP-POST': 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/saml2',
      },
      signingCertificates: [certificate.base64Der],
    });
  });

  it.each([
    ['<EntityDescriptor entityID="x"><IDPSSODescriptor>', /is not well-formed XML/],
    ['<EntityDescriptor entityID="x"><SPSSODescriptor/></EntityDescriptor>', /has no IDPSSODescriptor/],
    ['<EntityDescriptor entityID="x"><IDPSSODescriptor/></EntityDescriptor>', /has no signing certificate/],
  ])('refuses %s with the cause', (xml, message) => {
    expect(() => parseIdpMetadata(xml)).toThrow(message);
  });
});

describe('errors people meet', () => {
  const input = { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', awsProfile: 'aws-govcloud' } as FederationInput;

  it.each([
    [Object.assign(new Error('Azure CLI could not be found or the token expired'), { name: 'CredentialUnavailableError' }), /run `az login --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47`/],
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), /AWS profile aws-govcloud is missing or has no credentials: configure it/],
    [Object.assign(new Error('Insufficient privileges'), { statusCode: 403 }), /lacks a permission: grant those in permissions\/azure-id\.graph-permissions\.json/],
  ])('name the cause and the fix: %s', (error, message) => {
    expect(explain(error, input)).toMatch(message);
  });

  it('name the profile from the SDK message when no input is at hand', () => {
    const error = Object.assign(new Error('Could not resolve credentials using profile: [aws-govcloud] in configuration/credentials file(s).'), { name: 'CredentialsProviderError' });
    expect(explain(error)).toBe(
      'AWS profile aws-govcloud is missing or has no credentials: configure it (`aws configure sso --profile aws-govcloud` or the shared credentials file), then run again.',
    );
  });
});
