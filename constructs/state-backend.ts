import { join } from 'node:path';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { StateConfig } from '../app-config/schema';

export interface StateBackendProps {
  readonly state: StateConfig;
  /** Overrides where local state goes (tests and the rehearsal keep theirs apart). */
  readonly localDir?: string;
}

/** The S3 key of a stack's state, documented in the README's "State" section. */
export const stateKey = (state: StateConfig, stackName: string) => `${state.s3.keyPrefix}/${stackName}.tfstate`;

/**
 * Where a stack keeps its state. Local by default (CDKTF writes terraform.<stack>.tfstate in the
 * project root); with backend "s3", one bucket in the commercial account, encrypted, and locked
 * with Terraform's native S3 lock file (use_lockfile, Terraform >= 1.10) so that two deploys of
 * the same stack cannot run at once. cdktf 0.21's S3BackendConfig predates use_lockfile, hence the
 * override.
 */
export function applyStateBackend(stack: TerraformStack, { state, localDir }: StateBackendProps): void {
  const name = stack.node.id;
  if (state.backend === 's3') {
    new S3Backend(stack, { bucket: state.s3.bucket, key: stateKey(state, name), region: state.s3.region, profile: state.s3.profile, encrypt: true });
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  } else if (localDir) {
    new LocalBackend(stack, { path: join(localDir, `terraform.${name}.tfstate`) });
  }
}
