/**
 * `npm run permissions`: writes the least-privilege AWS IAM policy of each AWS profile and the
 * Microsoft Graph permissions of the Entra identity to permissions/, from the code: the resource
 * types the synthesized stacks hold and the calls the scripts make (scan.ts). `--check` only
 * compares, for tests and CI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { AppConfig, ConfigError, INSTANCE_NAMES, InstanceName, Partition } from '../../app-config/schema';
import { accessStacks, stackNames } from '../../app-model/stacks';
import {
  ASSIGNMENT_LIST_ACTIONS, ASSIGNMENT_ROLE_ACTIONS, ASSIGNMENT_ROLE_RESOURCES, GRAPH_CALL_PERMISSIONS, IAM_ACTION_OF_OPERATION, IAM_PREFIX, IAM_REQUESTED_REGION, LOCAL_ONLY_TYPES, NO_PERMISSION_ACTIONS, ORGANIZATIONS_REQUESTED_REGION,
  STATE_BACKEND_ACTIONS, TERRAFORM_AWS_ACTIONS, TERRAFORM_GRAPH_PERMISSIONS,
} from './catalog';
import { AwsCall, GraphCall, scanScripts } from './scan';
import { READ_ONLY_ACTION, READ_ONLY_ENTRIES } from './catalog';
import { dirname as dirOf, relative as relativeTo } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
export const PERMISSIONS_DIR = join(ROOT, 'permissions');

interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/**
 * Synthesizes the app as `cdktf synth` does, by running it (cdktf.json's "app", main.ts) with CDKTF_OUTDIR set:
 * scripts/ never imports the app (__tests__/unit/layers.test.ts). It runs in a fresh folder, so no local state
 * of this checkout is read, and without AWS_ENDPOINT_URL; returns the folder that holds one folder per stack.
 */
function synthesizedStacks(): string {
  const dir = mkdtempSync(join(tmpdir(), 'permissions-'));
  const outdir = join(dir, 'cdktf.out');
  const { AWS_ENDPOINT_URL, ...env } = process.env;
  try {
    execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), join(ROOT, 'main.ts')], {
      cwd: dir,
      env: { ...env, CDKTF_OUTDIR: outdir, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), CHECKPOINT_DISABLE: '1' },
      stdio: 'pipe',
    });
  } catch (error) {
    throw new Error(`synth of the app (main.ts) failed: ${(error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message}`);
  }
  return join(outdir, 'stacks');
}

/** Resource and data source types of each synthesized stack ("aws_x", "data.aws_y"). */
export function stackTypes(): Record<string, string[]> {
  const stacks = synthesizedStacks();
  const config = loadConfig();
  return Object.fromEntries(
    stackNames(config).map((name) => {
      const json = JSON.parse(readFileSync(join(stacks, name, 'cdk.tf.json'), 'utf8'));
      return [name, sorted([...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {}).map((type) => `data.${type}`)])];
    }),
  );
}

/** Looks every type up; a type the catalog does not know stops generation. */
function lookUp(types: string[], table: Record<string, readonly string[]>, what: string): string[] {
  return types.flatMap((type) => {
    if (LOCAL_ONLY_TYPES.has(type)) return [];
    const entry = table[type];
    if (!entry) throw new Error(`scripts/permissions/catalog.ts does not say which ${what} ${type} needs: add it there`);
    return entry;
  });
}

export function iamActionOfScriptCall(call: AwsCall): string {
  const prefix = IAM_PREFIX[call.service];
  if (!prefix) throw new Error(`scripts/permissions/catalog.ts has no IAM prefix for ${call.service} (${call.file}): add it there`);
  const action = `${prefix}:${call.operation}`;
  return IAM_ACTION_OF_OPERATION[action] ?? action;
}

function graphRuleOf(call: Pick<GraphCall, 'method' | 'path'>) {
  const rule = GRAPH_CALL_PERMISSIONS.find((r) => r.method.test(call.method) && r.path.test(call.path));
  if (!rule) throw new Error(`scripts/permissions/catalog.ts has no Graph permission for ${call.method} ${call.path}: add it there`);
  return rule;
}

export function graphPermissionOf(call: Pick<GraphCall, 'method' | 'path'>): string {
  return graphRuleOf(call).permission;
}

const actionsOf = (actions: string[], prefix: string) => actions.filter((a) => a.startsWith(`${prefix}:`));

/**
 * The statements both policies of a profile open with: one per Identity Center service, each limited to the
 * profile's region, and Organizations' reads, limited to the region its partition's endpoint answers in.
 */
function serviceStatements(actions: string[], partition: Partition, region: string, sids: Record<'sso' | 'identitystore' | 'sso-directory', string>): Statement[] {
  const inRegion = { StringEquals: { 'aws:RequestedRegion': region } };
  const statements: Statement[] = Object.entries(sids).map(([prefix, Sid]) => ({ Sid, Effect: 'Allow', Action: actionsOf(actions, prefix), Resource: '*', Condition: inRegion }));
  if (actionsOf(actions, 'organizations').length) {
    const organizationsRegion = { StringEquals: { 'aws:RequestedRegion': ORGANIZATIONS_REQUESTED_REGION[partition] } };
    statements.push({ Sid: 'OrganizationReadsForAccessTargets', Effect: 'Allow', Action: actionsOf(actions, 'organizations'), Resource: '*', Condition: organizationsRegion });
  }
  return statements;
}

const stateBucketListing = (bucket: string): Statement => ({ Sid: 'StateBucketListingWhenBackendIsS3', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${bucket}` });

/** The policy the profile of one AWS instance needs: its stacks (every access stack of the partition), the azure-id reads through it, the scripts. */
export function awsPolicy(instance: InstanceName, types: Record<string, string[]>, scripts: AwsCall[], config: AppConfig) {
  const { partition, region, profile } = config.aws[instance];
  const accessTypes = accessStacks(config, instance).flatMap(({ name }) => types[name]);
  const awsTypes = sorted([...types[instance], ...accessTypes, ...types[config.entra.shortName].filter((t) => /^(data\.)?aws_/.test(t))]);
  const actions = sorted([...lookUp(awsTypes, TERRAFORM_AWS_ACTIONS, 'IAM actions'), ...scripts.map(iamActionOfScriptCall)]).filter((a) => !NO_PERMISSION_ACTIONS.has(a));
  const statements = serviceStatements(actions, partition, region, {
    sso: 'IdentityCenterAdministration',
    identitystore: 'IdentityStoreUsersAndGroups',
    'sso-directory': 'ConsoleOnlyFederationOperations',
  });
  if (awsTypes.includes('aws_ssoadmin_account_assignment')) {
    statements.push(
      { Sid: 'AssignmentRolesInTheAccount', Effect: 'Allow', Action: ASSIGNMENT_ROLE_ACTIONS, Resource: ASSIGNMENT_ROLE_RESOURCES(partition) },
      { Sid: 'AssignmentListsInTheAccount', Effect: 'Allow', Action: ASSIGNMENT_LIST_ACTIONS, Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': IAM_REQUESTED_REGION[partition] } } },
    );
  }
  if (profile === config.state.s3.profile) {
    const { bucket, keyPrefix } = config.state.s3;
    statements.push(
      stateBucketListing(bucket),
      { Sid: 'StateAndDeployRecordsWhenBackendIsS3', Effect: 'Allow', Action: sorted([...STATE_BACKEND_ACTIONS, ...actionsOf(actions, 's3')]).filter((a) => a !== 's3:ListBucket'), Resource: `arn:aws:s3:::${bucket}/${keyPrefix}/*` },
    );
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The files under scripts/ that READ_ONLY_ENTRIES import, directly or not (relative imports, as the TypeScript pre-processor lists them). */
export function reachableFiles(root: string, entries: readonly string[] = READ_ONLY_ENTRIES): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles.filter((i) => i.fileName.startsWith('.'))) {
      const base = join(dirOf(join(root, file)), fileName);
      const found = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      const path = found && relativeTo(root, found);
      if (path?.startsWith('scripts/')) visit(path);
    }
  };
  entries.forEach(visit);
  return [...seen].sort();
}

/**
 * The policy of the read-only role `npm run status` and `npm run access` run with (the status workflow):
 * the reads among the calls of the files they run, in the profile's region, and the deploy records
 * for the state profile. s3:ListBucket on the bucket: without it S3 answers a missing record 403, not
 * 404 (Amazon S3 API reference, GetObject, "Permissions").
 */
export function readOnlyPolicy(instance: InstanceName, scripts: AwsCall[], config: AppConfig) {
  const { partition, region, profile } = config.aws[instance];
  const files = new Set(reachableFiles(ROOT));
  const actions = sorted(scripts.filter((call) => files.has(call.file)).map(iamActionOfScriptCall)).filter((a) => READ_ONLY_ACTION.test(a) && !NO_PERMISSION_ACTIONS.has(a));
  const statements = serviceStatements(actions, partition, region, { sso: 'IdentityCenterReads', identitystore: 'IdentityStoreReads', 'sso-directory': 'ConsoleOnlyFederationReads' });
  if (profile === config.state.s3.profile && actionsOf(actions, 's3').includes('s3:GetObject')) {
    const { bucket, keyPrefix } = config.state.s3;
    statements.push(
      stateBucketListing(bucket),
      { Sid: 'DeployRecordsWhenBackendIsS3', Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucket}/${keyPrefix}/records/*` },
    );
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** The application permissions of the Entra identity that deploys azure-id and runs the scripts. */
export function graphPermissions(types: Record<string, string[]>, scripts: GraphCall[], config: AppConfig) {
  const azureTypes = types[config.entra.shortName].filter((t) => /^(data\.)?azuread_/.test(t));
  const terraform = Object.fromEntries(azureTypes.map((type) => [type, lookUp([type], TERRAFORM_GRAPH_PERMISSIONS, 'Graph permissions')]));
  const calls = sorted(scripts.map((c) => `${c.method} ${c.path}`)).map((call) => {
    const [method, path] = call.split(' ');
    const rule = graphRuleOf({ method, path });
    return { method, path, permission: rule.permission, ...(rule.delegated ? { delegated: true } : {}) };
  });
  // A delegated call runs with the person's own token: its permission is consented for them, not granted to CI.
  const all = sorted([...Object.values(terraform).flat(), ...calls.filter((c) => !c.delegated).map((c) => c.permission)]);
  // X.ReadWrite.Y includes X.Read.Y (Y: All, or a scope such as AzureADGroup).
  const applicationPermissions = all.filter((p) => !(p.includes('.Read.') && all.includes(p.replace('.Read.', '.ReadWrite.'))));
  return {
    $comment: 'Generated by `npm run permissions` from the azure-id stack and the scripts; do not edit. Grant applicationPermissions to the CI identity (admin consent); a person using az login needs the directory roles Cloud Application Administrator and User Administrator. delegatedPermissions: what npm run elevate and revoke use with the person\'s own token (never granted to CI).',
    applicationPermissions,
    delegatedPermissions: sorted(calls.filter((c) => c.delegated).map((c) => c.permission)),
    terraformResources: terraform,
    scriptCalls: calls,
  };
}

export function permissionFiles(): Record<string, string> {
  const config = loadConfig();
  const types = stackTypes();
  const scripts = scanScripts(ROOT);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    ...Object.fromEntries(INSTANCE_NAMES.map((instance) => [`${config.aws[instance].profile}.iam-policy.json`, json(awsPolicy(instance, types, scripts.aws, config))])),
    ...Object.fromEntries(INSTANCE_NAMES.map((instance) => [`${config.aws[instance].profile}.read-only.iam-policy.json`, json(readOnlyPolicy(instance, scripts.aws, config))])),
    [`${config.entra.shortName}.graph-permissions.json`]: json(graphPermissions(types, scripts.graph, config)),
  };
}

/** The files whose committed text differs from what the code now needs. */
export function stalePermissionFiles(files = permissionFiles()): string[] {
  return Object.entries(files)
    .filter(([name, text]) => !existsSync(join(PERMISSIONS_DIR, name)) || readFileSync(join(PERMISSIONS_DIR, name), 'utf8') !== text)
    .map(([name]) => name);
}

function main(): void {
  const files = permissionFiles();
  if (process.argv.includes('--check')) {
    const stale = stalePermissionFiles(files);
    stale.forEach((name) => console.error(`permissions/${name} is out of date: run npm run permissions`));
    process.exitCode = stale.length ? 1 : 0;
  } else {
    mkdirSync(PERMISSIONS_DIR, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(PERMISSIONS_DIR, name), text);
    console.log(`wrote ${Object.keys(files).map((name) => `permissions/${name}`).join(', ')}`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    // An invalid config.ts: its message names every problem; a stack trace would only hide it.
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
