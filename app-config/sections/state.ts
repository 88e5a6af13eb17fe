/** The config's `state` section: where Terraform state and the federation's deploy records live. */
import { z } from 'zod';
import { awsProfileName, REGIONS_BY_PARTITION } from './instances';

// Where Terraform state and the federation's deploy records live (docs/state.md).
export const stateSchema = z.strictObject({
  backend: z.enum(['local', 's3'], { message: 'use "local" (a workstation) or "s3" (a team or CI)' }).describe('"local": files in the project root, for one person; "s3": one bucket for a team and CI.'),
  s3: z
    .strictObject({
      // S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens.
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'use an S3 bucket name: 3-63 lowercase letters, digits, "." or "-"').describe('The state bucket, in the aws-commercial account.'),
      region: z
        .string()
        .refine((r) => (REGIONS_BY_PARTITION.aws as readonly string[]).includes(r), { message: 'use a commercial region: the bucket lives in the aws-commercial account' })
        .describe("The bucket's region, a commercial one."),
      profile: awsProfileName.describe('The AWS CLI profile that reads and writes the bucket.'),
      keyPrefix: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'use a key prefix such as "entra-identity-center-federation"').describe('Keys are <keyPrefix>/<stack>.tfstate, locked by Terraform\'s native S3 lock file.'),
    })
    .describe('The S3 backend, used when backend is "s3".'),
});
