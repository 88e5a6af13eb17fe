import { Partition } from '../../app-config/schema';

// Variables by which the AWS SDKs and the Terraform provider take a custom endpoint.
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SSO_ADMIN', 'AWS_ENDPOINT_URL_IDENTITYSTORE', 'AWS_ENDPOINT_URL_STS'];

export interface FipsDecision {
  readonly useFips: boolean;
  readonly note?: string;
}

/**
 * The app context key by which the rehearsal (scripts/synth-to-disk.ts), and nothing else, names the AWS
 * emulator at synth. Synth reads no environment variable: a stray AWS_ENDPOINT_URL in a shell must
 * not turn GovCloud's FIPS endpoints off in what a real deploy creates.
 */
export const REHEARSAL_ENDPOINT_CONTEXT = 'rehearsalEndpoint';

/**
 * GovCloud uses FIPS endpoints, except against a custom endpoint: the AWS SDKs (and so the
 * Terraform provider) refuse "FIPS and custom endpoint are not supported".
 */
export function fipsFor(partition: Partition, profile: string, endpoint: string | undefined): FipsDecision {
  if (partition !== 'aws-us-gov') return { useFips: false };
  if (!endpoint) return { useFips: true };
  return { useFips: false, note: `the endpoint ${endpoint} stands in for AWS, so FIPS endpoints are off for ${profile} (the AWS SDKs refuse FIPS with a custom endpoint)` };
}

/** For the scripts' SDK clients at run time, which do follow the endpoint variables they are given. */
export function decideFips(partition: Partition, profile: string, env: NodeJS.ProcessEnv = process.env): FipsDecision {
  return fipsFor(partition, profile, ENDPOINT_VARIABLES.map((name) => env[name]).find(Boolean));
}

/** The endpoint that replaces a public host, by the SDKs' own convention (service-specific first). */
export function customEndpoint(serviceVariable: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`AWS_ENDPOINT_URL_${serviceVariable}`] ?? env.AWS_ENDPOINT_URL;
}
