/**
 * Where each stack's Terraform state is, by name: the state backend (constructs/state-backend.ts)
 * writes there, and the checks that read states without synthesizing (app-model/retired-access-stacks.ts,
 * scripts/ci/cli.ts) look there.
 */
import { StateConfig } from '../app-config/schema';

/** The S3 key of a stack's state, documented in docs/state.md. */
export const stateKey = (state: Pick<StateConfig, 's3'>, stackName: string) => `${state.s3.keyPrefix}/${stackName}.tfstate`;

/** A stack's local state file, terraform.<stack>.tfstate: the name CDKTF's LocalBackend gives it by default. */
export const localStateFile = (stackName: string) => `terraform.${stackName}.tfstate`;

/** The stack whose local state file this is (localStateFile), or undefined for any other file. */
export const stackOfLocalStateFile = (file: string): string | undefined => /^terraform\.(.+)\.tfstate$/.exec(file)?.[1];
