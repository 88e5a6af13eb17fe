import { Partition } from '../app-config/schema';

export interface FipsDecision {
  readonly useFips: boolean;
  readonly note?: string;
}

/**
 * The app context key by which the rehearsal (synth-to-disk.ts), and nothing else, names the AWS
 * emulator at synth. Synth reads no environment variable: a stray AWS_ENDPOINT_URL in a shell must
 * not turn GovCloud's FIPS endpoints off in what a real deploy creates.
 */
export const REHEARSAL_ENDPOINT_CONTEXT = 'rehearsalEndpoint';

/**
 * GovCloud uses FIPS endpoints, except against a custom endpoint: the AWS SDKs (and so the
 * Terraform provider) refuse "FIPS and custom endpoint are not supported". One rule for the
 * provider at synth (constructs/aws-partition-provider.ts) and the scripts' SDK clients at run
 * time (scripts/clients/aws-endpoints.ts).
 */
export function fipsFor(partition: Partition, profile: string, endpoint: string | undefined): FipsDecision {
  if (partition !== 'aws-us-gov') return { useFips: false };
  if (!endpoint) return { useFips: true };
  return { useFips: false, note: `the endpoint ${endpoint} stands in for AWS, so FIPS endpoints are off for ${profile} (the AWS SDKs refuse FIPS with a custom endpoint)` };
}
