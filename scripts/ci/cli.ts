/**
 * Commands the GitHub workflows run (`npm run --silent ci -- <command>`):
 *   aws-profiles            bind each partition's OIDC session to the profile config.ts names, in a config file of its own
 *   require-s3-state        refuse a deploy, destroy or status job with local state (before any credential)
 *   credentials <instance>  the credential_process those profiles call
 *   confirm-destroy         check that the typed confirmation names every stack
 *   stacks                  the stack names as JSON (and `stacks=…` in $GITHUB_OUTPUT), for the diff matrix
 *   retired-stacks          refuse a deploy that would leave an access stack's state holding resources behind
 * Credentials stay in the job's environment; the AWS config file holds only commands.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../config';
import { AppConfig, ConfigError, INSTANCE_NAMES } from '../../app-config/schema';
import { accessStackAssignments, destroyOrder, stackNames } from '../../app-model/stacks';
import { isAccessStackName, localAccessStates, MovedAssignmentError, refuseUnsafeAccessChanges, RetiredStackError, stateContents, StoredState } from '../../app-model/retired-access-stacks';
import { stateBucketClient } from '../deploy-record';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';

const ROOT = join(__dirname, '..', '..');
// The SDKs and Terraform would prefer these over any profile; the last configure step set them.
const AMBIENT = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'];
const PARTS = { ACCESS_KEY_ID: 'AccessKeyId', SECRET_ACCESS_KEY: 'SecretAccessKey', SESSION_TOKEN: 'SessionToken' } as const;
// configure-aws-credentials' aws-expiration output: when the session ends, for credential_process's Expiration.
type SessionPart = keyof typeof PARTS | 'EXPIRATION';
const SESSION_PARTS: SessionPart[] = [...(Object.keys(PARTS) as (keyof typeof PARTS)[]), 'EXPIRATION'];

export class CiError extends Error {}

/** CI_AWS_COMMERCIAL_ACCESS_KEY_ID and the like: where the workflow puts each partition's session. */
export const sessionVariable = (instance: string, part: SessionPart) => `CI_${instance.toUpperCase().replace(/-/g, '_')}_${part}`;

function requireSessions(env: NodeJS.ProcessEnv): void {
  const missing = INSTANCE_NAMES.flatMap((i) => SESSION_PARTS.map((p) => sessionVariable(i, p))).filter((name) => !env[name]);
  if (missing.length) throw new CiError(`missing ${missing.join(', ')}: pass the outputs of aws-actions/configure-aws-credentials (output-credentials: true) for both partitions`);
}

/** Deploy, destroy and status keep state and records in the bucket: a CI runner forgets local files. A plan (the pull request's diff) runs with either. */
export function requireS3State(config: AppConfig): string {
  if (config.state.backend !== 's3') throw new CiError('config.ts has state.backend "local": a CI runner forgets local state, so set it to "s3" before deploying from CI');
  return `state and deploy records in s3://${config.state.s3.bucket}/${config.state.s3.keyPrefix}`;
}

/**
 * The profiles, in a config file of their own (never ~/.aws/config or a file AWS_CONFIG_FILE already
 * names: a self-hosted runner's or a person's profiles stay as they are); later steps find it through
 * AWS_CONFIG_FILE in $GITHUB_ENV.
 */
export function awsProfiles(config: AppConfig, env: NodeJS.ProcessEnv): { configFile: string; text: string } {
  requireSessions(env);
  const command = (instance: string) => `node -r ${join(ROOT, 'node_modules/ts-node/register/transpile-only')} ${join(__dirname, 'cli.ts')} credentials ${instance}`;
  const text = INSTANCE_NAMES.map((i) => `[profile ${config.aws[i].profile}]\nregion = ${config.aws[i].region}\ncredential_process = ${command(i)}\n`).join('\n');
  return { configFile: join(env.RUNNER_TEMP ?? tmpdir(), 'entra-identity-center-federation', 'aws-config'), text };
}

/** The JSON a credential_process prints (AWS CLI and SDK "Sourcing credentials with an external process"). */
export function credentialProcessOutput(instance: string, env: NodeJS.ProcessEnv): string {
  if (!(INSTANCE_NAMES as readonly string[]).includes(instance)) throw new CiError(`unknown instance "${instance}"`);
  requireSessions(env);
  const parts = Object.entries(PARTS).map(([part, key]) => [key, env[sessionVariable(instance, part as keyof typeof PARTS)]]);
  return JSON.stringify({ Version: 1, ...Object.fromEntries(parts), Expiration: expiration(instance, env) });
}

/**
 * The session's end as ISO 8601, which credential_process output needs for an SDK to refresh instead of
 * using expired keys. @actions/core writes a Date output as JSON, so the quotes are taken off.
 */
function expiration(instance: string, env: NodeJS.ProcessEnv): string {
  const name = sessionVariable(instance, 'EXPIRATION');
  const value = env[name]!.replace(/^"(.*)"$/, '$1');
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time)) throw new CiError(`${name} is not an ISO 8601 time (got "${env[name]}"): pass the aws-expiration output of aws-actions/configure-aws-credentials`);
  return new Date(time).toISOString();
}

/** Every stack the app makes from this config, in deploy order (app-model/stacks.ts). */
export { stackNames };

export function confirmDestroy(config: AppConfig, typed: string | undefined): string {
  const stacks = destroyOrder(config);
  const given = (typed ?? '').trim().split(/\s+/).filter(Boolean);
  if (given.sort().join(' ') !== [...stacks].sort().join(' ')) throw new CiError(`type the names of all stacks to confirm the destroy: ${stacks.join(' ')}`);
  return `confirmed: destroying ${stacks.join(', ')}`;
}

/** Lines for $GITHUB_ENV: the sessions, for credential_process in later steps, and no ambient credentials in their way. */
export function laterStepsEnv(env: NodeJS.ProcessEnv, configFile?: string): string {
  const carried = INSTANCE_NAMES.flatMap((i) => SESSION_PARTS.map((p) => `${sessionVariable(i, p)}=${env[sessionVariable(i, p)]}`));
  return `${[...carried, ...AMBIENT.map((name) => `${name}=`), ...(configFile ? [`AWS_CONFIG_FILE=${configFile}`] : [])].join('\n')}\n`;
}

/**
 * Access stacks in the state bucket that the app no longer makes but whose state holds resources
 * (app-model/retired-access-stacks.ts). `npm run deploy` runs it before cdktf; local state is checked by the
 * app itself at synth (main.ts), so this reads only the S3 backend.
 */
export async function storedAccessStates(config: AppConfig, env: NodeJS.ProcessEnv): Promise<StoredState[]> {
  if (config.state.backend !== 's3') return [];
  const { bucket, keyPrefix } = config.state.s3;
  const s3 = stateBucketClient(config.state, env);
  const listed: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${keyPrefix}/`, ContinuationToken }));
    listed.push(...(page.Contents ?? []).map((o) => o.Key!));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  const stackOf = (key: string) => /^(.+)\.tfstate$/.exec(key.slice(keyPrefix.length + 1))?.[1] ?? '';
  return Promise.all(
    listed
      .filter((key) => isAccessStackName(stackOf(key)))
      .map(async (Key) => {
        const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToString();
        return { stack: stackOf(Key), location: `s3://${bucket}/${Key}`, ...stateContents(body) };
      }),
  );
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadConfig();
  const [command, argument] = argv;
  if (command === 'credentials') {
    process.stdout.write(credentialProcessOutput(argument ?? '', env));
  } else if (command === 'aws-profiles') {
    const { configFile, text } = awsProfiles(config, env);
    mkdirSync(dirname(configFile), { recursive: true });
    writeFileSync(configFile, text);
    if (env.GITHUB_ENV) appendFileSync(env.GITHUB_ENV, laterStepsEnv(env, configFile));
    console.log(`wrote profiles ${INSTANCE_NAMES.map((i) => config.aws[i].profile).join(', ')} to ${configFile}${env.GITHUB_ENV ? ' (AWS_CONFIG_FILE for later steps)' : `: export AWS_CONFIG_FILE=${configFile} to use them`}`);
  } else if (command === 'require-s3-state') {
    console.log(requireS3State(config));
  } else if (command === 'confirm-destroy') {
    console.log(confirmDestroy(config, env.CONFIRM));
  } else if (command === 'retired-stacks') {
    // The app's access stacks and assignment names from the config, as main.ts would build them (app-model/stacks.ts);
    // local state is read where the app reads it at synth, the current directory.
    const stored = config.state.backend === 'local' ? localAccessStates(process.cwd()) : await storedAccessStates(config, env);
    refuseUnsafeAccessChanges(accessStackAssignments(config), stackNames(config), stored);
    console.log('no access stack left behind and no assignment moved between stacks in one deploy');
  } else if (command === 'stacks') {
    const json = JSON.stringify(stackNames(config));
    if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `stacks=${json}\n`);
    console.log(json);
  } else {
    throw new CiError('usage: npm run --silent ci -- aws-profiles | require-s3-state | credentials <instance> | confirm-destroy | stacks | retired-stacks');
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).catch((error) => {
    console.error(error instanceof CiError || error instanceof ConfigError || error instanceof RetiredStackError || error instanceof MovedAssignmentError ? error.message : error);
    process.exitCode = 1;
  });
}
