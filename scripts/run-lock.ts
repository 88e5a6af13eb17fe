/**
 * One run at a time per instance: post-apply, pre-destroy and rotate-token change the same identity
 * source, SCIM tenant and tokens, and two of them interleaved leave a state neither intended (two
 * tokens, a tenant deleted under a running post-apply). The lock sits beside the deploy record:
 * a file created exclusively in the records folder, or an object in the state bucket written with
 * a conditional put (S3 PutObject If-None-Match: "*", answered 412 when the key exists).
 */
import { hostname } from 'node:os';
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { StateConfig } from '../app-config/schema';
import { localRecordsDir, stateBucketClient } from './deploy-record';
import { isRunning } from './interruption';

export interface LockHolder {
  readonly command: string;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export interface LockStore {
  /** Where the lock of an instance lives, for messages. */
  where(instance: string): string;
  /** Takes the lock if nobody holds it; false when it is held. */
  create(instance: string, holder: LockHolder): Promise<boolean>;
  read(instance: string): Promise<LockHolder | undefined>;
  remove(instance: string): Promise<void>;
}

export class LocalLockStore implements LockStore {
  constructor(private readonly dir: string) {}

  where(instance: string): string {
    return join(this.dir, `${instance}.lock`);
  }

  async create(instance: string, holder: LockHolder): Promise<boolean> {
    mkdirSync(this.dir, { recursive: true });
    let fd: number;
    try {
      fd = openSync(this.where(instance), 'wx'); // O_EXCL: exactly one creator wins
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    writeSync(fd, JSON.stringify(holder));
    closeSync(fd);
    return true;
  }

  async read(instance: string): Promise<LockHolder | undefined> {
    try {
      return parseHolder(readFileSync(this.where(instance), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(instance: string): Promise<void> {
    rmSync(this.where(instance), { force: true });
  }
}

export class S3LockStore implements LockStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  private key(instance: string): string {
    return `${this.prefix}/${instance}.lock`;
  }

  where(instance: string): string {
    return `s3://${this.bucket}/${this.key(instance)}`;
  }

  async create(instance: string, holder: LockHolder): Promise<boolean> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(instance), Body: JSON.stringify(holder), IfNoneMatch: '*', ContentType: 'application/json' }));
      return true;
    } catch (error) {
      // S3 conditional writes: 412 when the key exists, 409 when a concurrent conditional write won.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return false;
      throw error;
    }
  }

  async read(instance: string): Promise<LockHolder | undefined> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(instance) }));
      return parseHolder(await answer.Body!.transformToString());
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async remove(instance: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(instance) }));
  }
}

/** A lock whose content cannot be read (a crash mid-write) is stale by construction. */
function parseHolder(text: string): LockHolder {
  try {
    return JSON.parse(text) as LockHolder;
  } catch {
    return { command: 'unknown', pid: 0, host: 'unknown', since: new Date(0).toISOString() };
  }
}

/** The lock store beside the deploy records of the configured state backend. */
export function lockStoreFor(state: StateConfig, projectRoot: string, env: NodeJS.ProcessEnv): LockStore {
  if (state.backend === 'local') return new LocalLockStore(localRecordsDir(projectRoot, env));
  return new S3LockStore(stateBucketClient(state, env), state.s3.bucket, `${state.s3.keyPrefix}/records`);
}

export class LockHeldError extends Error {
  constructor(instance: string, holder: LockHolder, where: string) {
    super(
      `${holder.command} for ${instance} is already running since ${holder.since}, pid ${holder.pid}, host ${holder.host} (lock ${where}): ` +
        `wait for it to finish and run again. If that run is gone, delete ${where}.`,
    );
    this.name = 'LockHeldError';
  }
}

export interface LockOptions {
  readonly command: string;
  /** How long a second run waits for the first before it stops. */
  readonly waitMs?: number;
  readonly pollMs?: number;
  /** Older than this, a lock is stale wherever its holder runs: no phase takes that long. */
  readonly staleAfterMs?: number;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  readonly host?: string;
  readonly pid?: number;
  readonly isAlive?: (pid: number) => boolean;
}

export const LOCK_WAIT_MS = 60_000;
export const LOCK_STALE_AFTER_MS = 2 * 60 * 60_000;

/** Takes the instance's lock, waiting a bounded time; returns what releases it. */
export async function acquireRunLock(store: LockStore, instance: string, options: LockOptions): Promise<() => Promise<void>> {
  const now = options.now ?? (() => new Date());
  const me: LockHolder = { command: options.command, pid: options.pid ?? process.pid, host: options.host ?? hostname(), since: now().toISOString() };
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  let announced = false;
  for (;;) {
    if (await store.create(instance, { ...me, since: now().toISOString() })) return () => store.remove(instance);
    const holder = await store.read(instance);
    if (!holder) continue; // released between our create and read
    const stale = staleness(holder, me.host, now(), options);
    if (stale) {
      options.log(`[${instance}] stale run lock ${store.where(instance)} (${holder.command}, pid ${holder.pid}, host ${holder.host}, since ${holder.since}): ${stale}; removing it`);
      await store.remove(instance);
      continue;
    }
    if (Date.now() >= deadline) throw new LockHeldError(instance, holder, store.where(instance));
    if (!announced) options.log(`[${instance}] ${holder.command} is running since ${holder.since}, pid ${holder.pid}, host ${holder.host}: waiting for it`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

/** Why a held lock is stale, or undefined when its holder may still be running. */
function staleness(holder: LockHolder, host: string, now: Date, options: LockOptions): string | undefined {
  const age = now.getTime() - Date.parse(holder.since);
  const bound = options.staleAfterMs ?? LOCK_STALE_AFTER_MS;
  if (!(age < bound)) return `older than ${Math.round(bound / 60_000)} minutes`;
  if (holder.host === host && !(options.isAlive ?? isRunning)(holder.pid)) return `process ${holder.pid} no longer runs on this host`;
  return undefined;
}
