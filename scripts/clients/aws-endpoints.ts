import { Partition } from '../../app-config/schema';
import { FipsDecision, fipsFor } from '../../app-model/fips';

// Variables by which the AWS SDKs and the Terraform provider take a custom endpoint.
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SSO_ADMIN', 'AWS_ENDPOINT_URL_IDENTITYSTORE', 'AWS_ENDPOINT_URL_STS'];

/** The FIPS rule (app-model/fips.ts) for the scripts' SDK clients at run time, which do follow the endpoint variables they are given. */
export function decideFips(partition: Partition, profile: string, env: NodeJS.ProcessEnv = process.env): FipsDecision {
  return fipsFor(partition, profile, ENDPOINT_VARIABLES.map((name) => env[name]).find(Boolean));
}

/** The endpoint that replaces a public host, by the SDKs' own convention (service-specific first). */
export function customEndpoint(serviceVariable: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`AWS_ENDPOINT_URL_${serviceVariable}`] ?? env.AWS_ENDPOINT_URL;
}
