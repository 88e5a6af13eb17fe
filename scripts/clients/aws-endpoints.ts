import { Partition } from '../../config-schema';

// Variables by which the AWS SDKs and the Terraform provider take a custom endpoint.
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SSO_ADMIN', 'AWS_ENDPOINT_URL_IDENTITYSTORE', 'AWS_ENDPOINT_URL_STS'];

export interface FipsDecision {
  readonly useFips: boolean;
  readonly note?: string;
}

/**
 * GovCloud uses FIPS endpoints, except against a custom endpoint: the AWS SDKs (and so the
 * Terraform provider) refuse "FIPS and custom endpoint are not supported".
 */
export function decideFips(partition: Partition, profile: string, env: NodeJS.ProcessEnv = process.env): FipsDecision {
  if (partition !== 'aws-us-gov') return { useFips: false };
  const custom = ENDPOINT_VARIABLES.find((name) => env[name]);
  if (!custom) return { useFips: true };
  return { useFips: false, note: `${custom} is set, so FIPS endpoints are off for ${profile} (the AWS SDKs refuse FIPS with a custom endpoint)` };
}

/** The endpoint that replaces a public host, by the SDKs' own convention (service-specific first). */
export function customEndpoint(serviceVariable: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`AWS_ENDPOINT_URL_${serviceVariable}`] ?? env.AWS_ENDPOINT_URL;
}
