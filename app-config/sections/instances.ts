/** The config's `aws` section: one Identity Center instance per partition, reached through an AWS CLI profile. */
import { z } from 'zod';

// Regions per partition, from the AWS regional services list; Identity Center runs in each.
// A region outside this list is a typo far more often than a new region.
export const REGIONS_BY_PARTITION = {
  aws: [
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1',
    'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
    'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'ca-west-1',
    'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1',
    'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1', 'me-central-1', 'sa-east-1',
  ],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
} as const;

export type Partition = keyof typeof REGIONS_BY_PARTITION;
const ALL_REGIONS: readonly string[] = Object.values(REGIONS_BY_PARTITION).flat();

// An AWS CLI profile name is written into `[profile <name>]` headers of the AWS config files (the rehearsal's,
// CI's) and into Terraform's provider and backend blocks, where a backend takes no escape (constructs/literal.ts).
// The characters IAM allows in names ([\w+=,.@-], "IAM identifiers"), which need no quoting in any of them;
// whitespace, brackets, quotes, line breaks, `$`, `%` and braces would each change what is written.
export const awsProfileName = z
  .string()
  .min(1, 'put the AWS CLI profile name')
  .regex(/^[A-Za-z0-9._\-+@=,]+$/, 'use letters, digits and . _ - + @ = , only (an AWS CLI profile name, written into [profile …] headers of AWS config files and into Terraform provider and backend blocks)');

export const awsInstanceSchema = z
  .strictObject({
    profile: awsProfileName.describe("The AWS CLI profile of the Organization's management account in this partition, for Terraform and the scripts."),
    partition: z.enum(['aws', 'aws-us-gov'], { message: 'use "aws" or "aws-us-gov"' }).describe('The partition: "aws" for aws-commercial, "aws-us-gov" for aws-govcloud.'),
    region: z
      .string()
      .refine((r) => ALL_REGIONS.includes(r), {
        message: `use a region where Identity Center runs, e.g. us-east-1 or us-gov-west-1 (known: ${ALL_REGIONS.join(', ')})`,
      })
      .describe('The region of the Identity Center instance, in the partition.'),
  })
  .superRefine((instance, ctx) => {
    const regions: readonly string[] = REGIONS_BY_PARTITION[instance.partition];
    if (ALL_REGIONS.includes(instance.region) && !regions.includes(instance.region)) {
      ctx.addIssue({
        code: 'custom',
        path: ['region'],
        message: `${instance.region} is not in partition ${instance.partition}; use one of ${regions.join(', ')}`,
      });
    }
  });


export const INSTANCE_NAMES = ['aws-commercial', 'aws-govcloud'] as const;
export type InstanceName = (typeof INSTANCE_NAMES)[number];
