import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MotoServer } from '../../local/emulators/moto-server';
import { awsEmulatorEnv } from '../../local/harness/aws-emulator-env';
import { loadConfig, rawConfig } from '../../config';
import { stackNames, storedAccessStates } from '../../scripts/ci/cli';
import { refuseRetiredAccessStacks, RetiredStackError } from '../../stacks/retired-access-stacks';

/**
 * `npm run deploy` with S3 state first runs `npm run ci -- retired-stacks`: it lists the access stacks' states
 * in the bucket, and refuses when one the app no longer makes still holds resources (moto's S3 here).
 */
describe('the retired access stack check against S3 state (moto)', () => {
  let moto: MotoServer;
  const config = loadConfig({ ...rawConfig, state: { ...rawConfig.state, backend: 's3' } });
  const { bucket, keyPrefix } = config.state.s3;
  const state = (resources: unknown[]) => JSON.stringify({ version: 4, resources });
  const assignment = { mode: 'managed', type: 'aws_ssoadmin_account_assignment', name: 'a', instances: [{ index_key: '111111111111' }] };
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
    expect(stored.map((s) => [s.stack, s.resources]).sort()).toEqual([
      ['aws-commercial-access', 1],
      ['aws-commercial-access-old', 0],
      ['aws-govcloud-access-admin', 1],
    ]);
  });

  it('refuses the deploy when a stack the app no longer makes holds resources, naming its S3 key; an emptied one may go', async () => {
    const stored = await storedAccessStates(config, env);
    expect(() => refuseRetiredAccessStacks(stackNames(config), stored)).toThrow(RetiredStackError);
    expect(() => refuseRetiredAccessStacks(stackNames(config), stored)).toThrow(`aws-govcloud-access-admin is no longer in the app, but its state (s3://${bucket}/${keyPrefix}/aws-govcloud-access-admin.tfstate) still holds 1 resources`);
    const declared = loadConfig({ ...rawConfig, state: config.state, identityCenter: { ...rawConfig.identityCenter, accessStacks: { 'aws-commercial': [], 'aws-govcloud': ['admin'] } } });
    expect(() => refuseRetiredAccessStacks(stackNames(declared), stored)).not.toThrow();
  });
});
