import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MotoServer } from '../../local/emulators/moto-server';
import { awsEmulatorEnv } from '../../local/harness/aws-emulator-env';
import { loadConfig, rawConfig } from '../../config';
import { stackNames, storedAccessStates } from '../../scripts/ci/cli';
import { MovedAssignmentError, refuseUnsafeAccessChanges, RetiredStackError } from '../../app-model/retired-access-stacks';

/**
 * `npm run deploy` with S3 state first runs `npm run ci -- retired-stacks`: it lists the access stacks' states
 * in the bucket, and refuses when one the app no longer makes still holds resources (moto's S3 here).
 */
describe('the retired access stack check against S3 state (moto)', () => {
  let moto: MotoServer;
  const config = loadConfig({ ...rawConfig, state: { ...rawConfig.state, backend: 's3' } });
  const { bucket, keyPrefix } = config.state.s3;
  const state = (resources: unknown[]) => JSON.stringify({ version: 4, resources });
  const assignment = { mode: 'managed', type: 'aws_ssoadmin_account_assignment', name: 'group_AWS-Admins_AdministratorAccess_assignment_0A1B2C3D', instances: [{ index_key: '111111111111' }] };
  let env: NodeJS.ProcessEnv;
  let s3: S3Client;

  beforeAll(async () => {
    moto = await MotoServer.start();
    env = awsEmulatorEnv(mkdtempSync(join(tmpdir(), 'retired-s3-')), moto.endpoint);
    s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator' } });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = (stack: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${keyPrefix}/${stack}.tfstate`, Body: body }));
    await put('aws-commercial-access', state([assignment]));
    await put('aws-govcloud-access-admin', state([assignment]));
    await put('aws-commercial-access-old', state([{ mode: 'data', type: 'aws_caller_identity', name: 'c', instances: [{}] }]));
    await put('aws-commercial', state([assignment]));
  }, 60_000);
  afterAll(() => moto?.stop());

  it('reads every access stack state under the key prefix, counting resource instances without data sources', async () => {
    const stored = await storedAccessStates(config, env);
    expect(stored.map((s) => [s.stack, s.resources, s.assignments]).sort()).toEqual([
      ['aws-commercial-access', 1, [assignment.name]],
      ['aws-commercial-access-old', 0, []],
      ['aws-govcloud-access-admin', 1, [assignment.name]],
    ]);
  });

  it('refuses the deploy when a stack the app no longer makes holds resources, naming its S3 key; an emptied one may go', async () => {
    const stored = await storedAccessStates(config, env);
    expect(() => refuseUnsafeAccessChanges([], stackNames(config), stored)).toThrow(RetiredStackError);
    expect(() => refuseUnsafeAccessChanges([], stackNames(config), stored)).toThrow(`aws-govcloud-access-admin is no longer in the app, but its state (s3://${bucket}/${keyPrefix}/aws-govcloud-access-admin.tfstate) still holds 1 resources`);
    const declared = loadConfig({ ...rawConfig, state: config.state, identityCenter: { ...rawConfig.identityCenter, accessStacks: { 'aws-commercial': [], 'aws-govcloud': ['admin'] } } });
    expect(() => refuseUnsafeAccessChanges([], stackNames(declared), stored)).not.toThrow();
  });

  it('refuses an assignment resource that the app puts in one access stack while another stack\'s S3 state holds it, naming both', async () => {
    const stored = await storedAccessStates(config, env);
    const app = [{ stack: 'aws-govcloud-access', assignments: [assignment.name] }, { stack: 'aws-govcloud-access-admin', assignments: [] }];
    expect(() => refuseUnsafeAccessChanges(app, ['aws-govcloud-access', 'aws-govcloud-access-admin', 'aws-commercial-access', 'aws-commercial-access-old'], stored)).toThrow(MovedAssignmentError);
    expect(() => refuseUnsafeAccessChanges(app, ['aws-govcloud-access', 'aws-govcloud-access-admin', 'aws-commercial-access', 'aws-commercial-access-old'], stored)).toThrow(
      `${assignment.name} moves from aws-govcloud-access-admin (its state, s3://${bucket}/${keyPrefix}/aws-govcloud-access-admin.tfstate, holds it) to aws-govcloud-access in one deploy`,
    );
  });
});
