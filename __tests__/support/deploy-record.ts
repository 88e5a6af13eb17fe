import { join } from 'node:path';
import { awsEmulatorEnv } from '../../local/harness/aws-emulator-env';
import { DeployRecord } from '../../scripts/deploy-record';

/** A record as post-apply writes it for aws-commercial. */
export const commercial: DeployRecord = {
  recordedAt: '2026-11-23T00:00:00.000Z',
  input: {
    instance: 'aws-commercial',
    awsProfile: 'aws-commercial',
    region: 'us-east-1',
    partition: 'aws',
    instanceArn: 'arn:aws:sso:::instance/ssoins-7907a1b2c3d4e5f6',
    identityStoreId: 'd-9067012345',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    entraEnvironment: 'global',
    applicationClientId: '0c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    applicationObjectId: '1c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    servicePrincipalId: '2c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    signingCertificateThumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
    scimUsers: [],
    samlUsers: [],
    groups: [{ displayName: 'AWS-Admins', objectId: '5c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', members: [] }],
    jitClientId: '6c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
  },
  identitySource: { idpId: 'idp-1', entityId: 'https://sts.windows.net/x/', loginUrl: 'https://login.microsoftonline.com/x/saml2', certificateFingerprints: [] },
  entraSigningThumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
  provisioning: { tenantId: 'tenant-1', scimEndpoint: 'https://scim.us-east-1.amazonaws.com/x/scim/v2/', tokenId: 'token-1' },
};

/**
 * The environment a federation command runs with when every endpoint (AWS, Graph, the login host) is `url`:
 * profiles with throwaway keys in `work`, the emulator's user token, the records and context file in `work`.
 */
export function endpointEnv(url: string, work: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...awsEmulatorEnv(work, url),
    GRAPH_ENDPOINT: url,
    ENTRA_LOGIN_ENDPOINT: url,
    GRAPH_EMULATOR_TOKEN: 'test-token',
    FEDERATION_RECORDS: join(work, 'records'),
    FEDERATION_CONTEXT_FILE: join(work, 'federation.context.json'),
  };
}
