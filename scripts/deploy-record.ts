/**
 * What the last deploy set outside Terraform, so `status` can report drift: the identity source,
 * the SAML settings and which SCIM token Entra holds. Ids, URLs and fingerprints only: never a
 * token. It lives beside the Terraform state: files in .federation/ for a local backend, objects
 * under <keyPrefix>/records/ in the state bucket for the S3 backend.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-providers';
import { z } from 'zod';
import { StateConfig } from '../app-config/schema';
import { customEndpoint } from './clients/aws-endpoints';
import { federationInputSchema } from './federation-input';

export const deployRecordSchema = z.object({
  recordedAt: z.string(),
  input: federationInputSchema,
  identitySource: z.object({
    idpId: z.string(),
    entityId: z.string(),
    loginUrl: z.string(),
    /** SHA-256 fingerprints of the IdP certificates Identity Center held. */
    certificateFingerprints: z.array(z.string()),
  }),
  entraSigningThumbprint: z.string(),
  provisioning: z.object({
    tenantId: z.string(),
    scimEndpoint: z.string(),
    /** The SCIM token handed to Entra; unknown when a run found Entra's credentials already working and no earlier record. */
    tokenId: z.string().optional(),
  }),
});

export type DeployRecord = z.infer<typeof deployRecordSchema>;

export interface RecordStore {
  /** Where the records live, for messages. */
  readonly location: string;
  read(instance: string): Promise<DeployRecord | undefined>;
  write(record: DeployRecord): Promise<void>;
  remove(instance: string): Promise<void>;
}

export class CorruptRecordError extends Error {
  constructor(where: string, problem: string) {
    super(`The deploy record ${where} ${problem}: move it aside (or delete it), then run post-apply for this instance again (\`npm run deploy\`), which rewrites it`);
    this.name = 'CorruptRecordError';
  }
}

/**
 * A record this version wrote, or an error that names the file and the fix (never a bare SyntaxError).
 * Given the instance the file is named after, a record of another instance is refused: a copied
 * file would have status report, and rotate-token rotate, the other partition.
 */
export function parseRecord(text: string, where: string, instance?: string): DeployRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CorruptRecordError(where, `is not valid JSON (${(error as Error).message})`);
  }
  const result = deployRecordSchema.safeParse(raw);
  if (!result.success) throw new CorruptRecordError(where, `is not one this version writes (${result.error.issues[0].path.join('.')}: ${result.error.issues[0].message})`);
  if (instance !== undefined && result.data.input.instance !== instance) {
    throw new CorruptRecordError(where, `holds the input of ${result.data.input.instance}, not ${instance} (a copied or renamed file)`);
  }
  return result.data;
}

export class LocalRecordStore implements RecordStore {
  constructor(readonly location: string) {}

  private file(instance: string): string {
    return join(this.location, `${instance}.json`);
  }

  async read(instance: string): Promise<DeployRecord | undefined> {
    try {
      return parseRecord(readFileSync(this.file(instance), 'utf8'), this.file(instance), instance);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(record: DeployRecord): Promise<void> {
    mkdirSync(this.location, { recursive: true });
    writeFileSync(this.file(record.input.instance), `${JSON.stringify(record, null, 2)}\n`);
  }

  async remove(instance: string): Promise<void> {
    rmSync(this.file(instance), { force: true });
  }
}

export class S3RecordStore implements RecordStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
  }

  private key(instance: string): string {
    return `${this.prefix}/${instance}.json`;
  }

  async read(instance: string): Promise<DeployRecord | undefined> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(instance) }));
      return parseRecord(await answer.Body!.transformToString(), `${this.location}/${instance}.json`, instance);
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async write(record: DeployRecord): Promise<void> {
    const Body = `${JSON.stringify(record, null, 2)}\n`;
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(record.input.instance), Body, ContentType: 'application/json', ServerSideEncryption: 'AES256' }));
  }

  async remove(instance: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(instance) }));
  }
}

/** The store that sits beside the configured Terraform state; FEDERATION_RECORDS overrides the local folder. */
export function recordStoreFor(state: StateConfig, projectRoot: string, env: NodeJS.ProcessEnv = process.env): RecordStore {
  if (state.backend === 'local') return new LocalRecordStore(localRecordsDir(projectRoot, env));
  return new S3RecordStore(stateBucketClient(state, env), state.s3.bucket, `${state.s3.keyPrefix}/records`);
}

/** The local records folder; the run lock (scripts/run-lock.ts) sits in it too. */
export function localRecordsDir(projectRoot: string, env: NodeJS.ProcessEnv): string {
  return env.FEDERATION_RECORDS ?? join(projectRoot, '.federation');
}

export interface StateBucketTimeouts {
  /** Milliseconds to open a connection. */
  readonly connectionTimeout: number;
  /** Milliseconds a request may go without an answer before it is abandoned (and retried). */
  readonly requestTimeout: number;
  readonly maxAttempts: number;
}

/**
 * S3 answers a record or lock read in well under a second: 5 s to connect and 30 s per attempt is
 * room for a slow one, not a hang (an endpoint that accepts and never answers kept `status` running
 * for minutes). As in scripts/clients/aws.ts, throwOnRequestTimeout: without it
 * @smithy/node-http-handler only logs a warning when requestTimeout passes.
 */
export const STATE_BUCKET_TIMEOUTS: StateBucketTimeouts = { connectionTimeout: 5_000, requestTimeout: 30_000, maxAttempts: 3 };

/** A client of the state bucket, for the records and the run lock beside them; every call has a time limit. */
export function stateBucketClient(state: StateConfig, env: NodeJS.ProcessEnv, timeouts: StateBucketTimeouts = STATE_BUCKET_TIMEOUTS): S3Client {
  const endpoint = customEndpoint('S3', env);
  return new S3Client({
    region: state.s3.region,
    credentials: fromIni({ profile: state.s3.profile, filepath: env.AWS_SHARED_CREDENTIALS_FILE, configFilepath: env.AWS_CONFIG_FILE }),
    endpoint,
    forcePathStyle: endpoint !== undefined,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: { connectionTimeout: timeouts.connectionTimeout, requestTimeout: timeouts.requestTimeout, throwOnRequestTimeout: true },
  });
}
