import { join } from 'node:path';
import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformBackend, TerraformRemoteState, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsS3Objects } from '@cdktf/provider-aws/lib/data-aws-s3-objects';
import { StateConfig } from '../app-config/schema';
import { localStateFile, stateKey } from '../app-model/state';
import { hclString, literal } from './literal';

export interface StateBackendProps {
  readonly state: StateConfig;
  /** Overrides where local state goes (tests and the rehearsal keep theirs apart). */
  readonly localDir?: string;
}

/** A stack's local state file: in `localDir` (tests and the rehearsal keep theirs apart), else the project root, as CDKTF would put it. */
export const localStatePath = (localDir: string | undefined, stackName: string) => join(localDir ?? process.cwd(), localStateFile(stackName));

/**
 * Where a stack keeps its state. Local by default (terraform.<stack>.tfstate in the project root,
 * the path CDKTF itself would give, written out so that a stack reading this one's state finds the
 * backend already there); with backend "s3", one bucket in the commercial account, encrypted, and locked
 * with Terraform's native S3 lock file (use_lockfile, Terraform >= 1.10) so that two deploys of
 * the same stack cannot run at once. cdktf 0.21's S3BackendConfig predates use_lockfile, hence the
 * override. Runs before any other stack reads this one's state (readStateOf).
 */
export function applyStateBackend(stack: TerraformStack, { state, localDir }: StateBackendProps): void {
  const name = stack.node.id;
  if (state.backend === 's3') {
    new S3Backend(stack, { bucket: state.s3.bucket, key: stateKey(state, name), region: state.s3.region, profile: state.s3.profile, encrypt: true });
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  } else {
    // CDKTF's default LocalBackend path is join(process.cwd(), `terraform.<stack>.tfstate`): the same file.
    new LocalBackend(stack, { path: localStatePath(localDir, name) });
  }
}

/**
 * A `terraform_remote_state` in `scope` that reads `producer`'s state where `producer` keeps it: CDKTF's
 * own mapping from the producer's backend to the data source's config (the one its cross-stack
 * references use: LocalBackend → the same path, S3Backend → the same bucket, key, region, profile and
 * encrypt). A reader takes no lock, so use_lockfile (an override on the producer's backend) is not copied.
 */
export function readStateOf(scope: Construct, id: string, producer: TerraformStack): TerraformRemoteState {
  const [backend] = producer.node.findAll().filter(TerraformBackend.isBackend);
  if (!backend) throw new Error(`${producer.node.id} has no state backend yet: applyStateBackend must run on it before a stack reads its state`);
  return backend.getRemoteStateDataSource(scope, id, producer.node.path);
}

/**
 * An HCL condition that holds once `producer` has a state where its backend keeps it. A terraform_remote_state
 * over a state that was never written fails the plan with Terraform's own "Unable to find remote state" (seen with
 * Terraform 1.11.4, local and S3 backends alike), so a reader counts it only when this holds. Local: the file
 * exists. S3: the bucket lists the key, through an AWS provider with the backend's own profile and region, the
 * credentials that read the state anyway (one ListObjectsV2 of the key as prefix; the lock file shares the prefix,
 * hence the exact match).
 */
export function stateExists(scope: Construct, producer: TerraformStack, { state, localDir }: StateBackendProps): string {
  if (state.backend !== 's3') return `fileexists(${hclString(localStatePath(localDir, producer.node.id))})`;
  const key = stateKey(state, producer.node.id);
  const provider = new AwsProvider(scope, `${producer.node.id}_state_bucket`, {
    alias: 'state_bucket',
    profile: literal(state.s3.profile),
    region: literal(state.s3.region),
  });
  const listed = new DataAwsS3Objects(scope, `${producer.node.id}_state_object`, { provider, bucket: literal(state.s3.bucket), prefix: literal(key) });
  return `contains(data.aws_s3_objects.${TerraformStack.of(scope).getLogicalId(listed)}.keys, ${hclString(key)})`;
}
