import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { rawConfig } from '../../config';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { stateKey } from '../../app-model/state';
import { MotoServer } from '../../local/emulators/moto-server';
import { DeployRecord, recordStoreFor } from '../../scripts/deploy-record';
import { awsEmulatorEnv } from '../../local/harness/aws-emulator-env';
import { synthToDisk } from '../../synth-to-disk';
import { terraform, terraformOk, writeMirrorCliConfig } from '../../local/harness/terraform';
import { parsed, synthStack } from '../support/synth';
import { commercial } from '../support/deploy-record';

const withS3 = () => {
  const config = structuredClone(rawConfig) as any;
  config.state.backend = 's3';
  return config;
};
const STACKS = [...INSTANCE_NAMES, rawConfig.entra.shortName];
const s3 = rawConfig.state.s3;

describe('state backend', () => {
  it('is local by default: no backend block, so each stack keeps terraform.<stack>.tfstate', () => {
    for (const name of STACKS) expect(parsed(synthStack(name)).terraform.backend?.s3).toBeUndefined();
  });

  it.each(STACKS)('one config value puts %s in the S3 bucket of the commercial account, encrypted and locked', (name) => {
    expect(parsed(synthStack(name, withS3())).terraform.backend).toEqual({
      s3: { bucket: s3.bucket, key: `${s3.keyPrefix}/${name}.tfstate`, region: 'us-east-1', profile: 'aws-commercial', encrypt: true, use_lockfile: true },
    });
  });

  it('refuses a bucket name S3 would refuse, before any synth', () => {
    const config = withS3();
    config.state.s3.bucket = 'Team_State';
    expect(() => synthStack('aws-commercial', config)).toThrow(/state\.s3\.bucket: use an S3 bucket name/);
  });
});

describe('S3 state against moto', () => {
  let moto: MotoServer;
  let env: NodeJS.ProcessEnv;
  let client: S3Client;
  const work = mkdtempSync(join(tmpdir(), 'tf-s3-'));

  beforeAll(async () => {
    moto = await MotoServer.start();
    env = { ...process.env, ...awsEmulatorEnv(work, moto.endpoint), TF_CLI_CONFIG_FILE: writeMirrorCliConfig(work) };
    client = new S3Client({ region: s3.region, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator' } });
    await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
  });
  afterAll(() => moto?.stop());

  it('a second deploy cannot start while the first holds the lock file', async () => {
    const dir = join(synthToDisk({ AWS_ENDPOINT_URL: moto.endpoint }, { rawConfig: withS3() }), 'aws-commercial');
    // Only the emulator needs these; against AWS the synthesized backend block is complete.
    const backend = join(work, 'emulator.s3.tfbackend');
    writeFileSync(backend, `endpoints = { s3 = "${moto.endpoint}", sts = "${moto.endpoint}" }\nuse_path_style = true\nskip_requesting_account_id = true\n`);
    await terraformOk(['init', '-input=false', `-backend-config=${backend}`], dir, env);

    const lock = `${stateKey(withS3().state, 'aws-commercial')}.tflock`;
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: lock, Body: JSON.stringify({ ID: 'held-by-a-colleague', Operation: 'OperationTypeApply', Who: 'colleague@workstation' }) }));
    const blocked = await terraform(['plan', '-input=false', '-lock-timeout=0s'], dir, env);
    expect(blocked.exitCode).not.toBe(0);
    expect(blocked.stderr).toMatch(/Error acquiring the state lock/);
    expect(blocked.stderr).toContain('colleague@workstation');
  });

  it('keeps deploy records beside the state, and checks their shape when reading them back', async () => {
    const store = recordStoreFor(withS3().state, work, env);
    expect(store.location).toBe(`s3://${s3.bucket}/${s3.keyPrefix}/records`);
    expect(await store.read('aws-govcloud')).toBeUndefined();
    const record = { recordedAt: '2026-11-23T00:00:00.000Z', input: { instance: 'aws-govcloud' } } as DeployRecord;
    await expect(store.write(record)).resolves.toBeUndefined();
    await expect(store.read('aws-govcloud')).rejects.toThrow(/is not one this version writes/);
    await store.remove('aws-govcloud');
    await expect(client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${s3.keyPrefix}/records/aws-govcloud.json` }))).rejects.toThrow();
  });

  it("refuses a record whose instance is not its object's name, naming the object", async () => {
    const store = recordStoreFor(withS3().state, work, env);
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${s3.keyPrefix}/records/aws-govcloud.json`, Body: JSON.stringify(commercial) }));
    await expect(store.read('aws-govcloud')).rejects.toThrow(`The deploy record s3://${s3.bucket}/${s3.keyPrefix}/records/aws-govcloud.json holds the input of aws-commercial, not aws-govcloud`);
    await store.remove('aws-govcloud');
  });
});
