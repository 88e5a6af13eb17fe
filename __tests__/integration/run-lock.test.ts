import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { MotoServer } from '../../local/emulators/moto-server';
import { acquireRunLock, LocalLockStore, LockHeldError, LockStore, S3LockStore } from '../../scripts/run-lock';

const HOST = 'workstation-a';
const options = (overrides: object = {}) => ({ command: 'post-apply', log: () => undefined, host: HOST, pid: 1111, waitMs: 0, pollMs: 20, isAlive: () => true, now: () => new Date('2026-11-23T10:00:00Z'), ...overrides });
const localStore = () => new LocalLockStore(mkdtempSync(join(tmpdir(), 'run-lock-')));

describe('run lock', () => {
  it('lets one run in; a second stops with who holds it, since when, pid and host', async () => {
    const store = localStore();
    await acquireRunLock(store, 'aws-govcloud', options({ now: () => new Date('2026-11-23T10:00:00Z') }));
    await expect(acquireRunLock(store, 'aws-govcloud', options({ command: 'rotate-token', pid: 2222, waitMs: 100 }))).rejects.toThrow(
      new LockHeldError('aws-govcloud', { command: 'post-apply', pid: 1111, host: HOST, since: '2026-11-23T10:00:00.000Z' }, store.where('aws-govcloud')),
    );
    await expect(acquireRunLock(store, 'aws-govcloud', options())).rejects.toThrow(/already running since 2026-11-23T10:00:00.000Z, pid 1111, host workstation-a/);
  });

  it('locks each instance on its own', async () => {
    const store = localStore();
    await acquireRunLock(store, 'aws-govcloud', options());
    await expect(acquireRunLock(store, 'aws-commercial', options())).resolves.toBeInstanceOf(Function);
  });

  it('a second run waits for the first to release, within its bound', async () => {
    const store = localStore();
    const release = await acquireRunLock(store, 'aws-commercial', options());
    const lines: string[] = [];
    const second = acquireRunLock(store, 'aws-commercial', options({ waitMs: 5000, log: (l: string) => lines.push(l) }));
    setTimeout(() => void release(), 100);
    await expect(second).resolves.toBeInstanceOf(Function);
    expect(lines).toEqual([expect.stringMatching(/post-apply is running since .*, pid 1111, host workstation-a: waiting for it/)]);
  });

  it('reports and replaces a lock whose process is gone from this host', async () => {
    const store = localStore();
    await acquireRunLock(store, 'aws-commercial', options({ pid: 4242 }));
    const lines: string[] = [];
    await acquireRunLock(store, 'aws-commercial', options({ isAlive: (pid: number) => pid !== 4242, log: (l: string) => lines.push(l) }));
    expect(lines).toEqual([expect.stringMatching(/stale run lock .*aws-commercial\.lock \(post-apply, pid 4242, host workstation-a, since .*\): process 4242 no longer runs on this host; removing it/)]);
  });

  it('does not judge a live-looking pid of another host, but does judge the age of any lock', async () => {
    const store = localStore();
    await acquireRunLock(store, 'aws-commercial', options({ host: 'ci-runner', isAlive: () => false, now: () => new Date('2026-11-23T10:00:00Z') }));
    await expect(acquireRunLock(store, 'aws-commercial', options({ isAlive: () => false, now: () => new Date('2026-11-23T11:00:00Z') }))).rejects.toThrow(LockHeldError);
    const lines: string[] = [];
    await acquireRunLock(store, 'aws-commercial', options({ now: () => new Date('2026-11-23T12:30:00Z'), log: (l: string) => lines.push(l) }));
    expect(lines).toEqual([expect.stringMatching(/host ci-runner, .*: older than 120 minutes; removing it/)]);
  });

  it('the release frees the lock', async () => {
    const store = localStore();
    const release = await acquireRunLock(store, 'aws-commercial', options());
    await release();
    expect(await store.read('aws-commercial')).toBeUndefined();
  });
});

describe('run lock in the state bucket (S3 conditional put) against moto', () => {
  let moto: MotoServer;
  let store: LockStore;
  beforeAll(async () => {
    moto = await MotoServer.start();
    const client = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator' } });
    await client.send(new CreateBucketCommand({ Bucket: 'state' }));
    store = new S3LockStore(client, 'state', 'prefix/records');
  });
  afterAll(() => moto?.stop());

  it('one writer wins the conditional put; the other reads who holds it', async () => {
    expect(store.where('aws-commercial')).toBe('s3://state/prefix/records/aws-commercial.lock');
    const holder = { command: 'pre-destroy', pid: 7, host: 'ci', since: '2026-11-23T10:00:00.000Z' };
    const results = await Promise.all([store.create('aws-commercial', holder), store.create('aws-commercial', { ...holder, pid: 8 })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.read('aws-commercial'))?.host).toBe('ci');
    await expect(acquireRunLock(store, 'aws-commercial', options({ now: () => new Date('2026-11-23T10:01:00Z') }))).rejects.toThrow(/pre-destroy for aws-commercial is already running since 2026-11-23T10:00:00.000Z, pid [78], host ci/);
    await store.remove('aws-commercial');
    expect(await store.read('aws-commercial')).toBeUndefined();
  });
});
