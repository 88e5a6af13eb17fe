/** The config's `state` section: where Terraform state and the federation's deploy records live. */
import { z } from 'zod';
import { awsProfileName, REGIONS_BY_PARTITION } from './instances';

// Where Terraform state and the federation's deploy records live (README "State").
export const stateSchema = z.strictObject({
  backend: z.enum(['local', 's3'], { message: 'use "local" (a workstation) or "s3" (a team or CI)' }),
  s3: z.strictObject({
    // S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens.
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'use an S3 bucket name: 3-63 lowercase letters, digits, "." or "-"'),
    region: z.string().refine((r) => (REGIONS_BY_PARTITION.aws as readonly string[]).includes(r), { message: 'use a commercial region: the bucket lives in the aws-commercial account' }),
    profile: awsProfileName,
    keyPrefix: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'use a key prefix such as "entra-identity-center-federation"'),
  }),
});
