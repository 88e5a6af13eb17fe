import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AwsInstanceConfig } from '../config-schema';

// Per-service overrides we call; the AWS SDKs also honour AWS_ENDPOINT_URL_<SERVICE>.
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SSO_ADMIN', 'AWS_ENDPOINT_URL_IDENTITYSTORE', 'AWS_ENDPOINT_URL_STS'];

export interface FipsDecision {
  readonly useFips: boolean;
  readonly note?: string;
}

/**
 * GovCloud uses FIPS endpoints, except against a custom endpoint: the AWS SDKs (and so the
 * Terraform provider) refuse "FIPS and custom endpoint are not supported".
 */
export function decideFips(instance: AwsInstanceConfig, env: NodeJS.ProcessEnv = process.env): FipsDecision {
  if (instance.partition !== 'aws-us-gov') return { useFips: false };
  const custom = ENDPOINT_VARIABLES.find((name) => env[name]);
  if (!custom) return { useFips: true };
  return { useFips: false, note: `${custom} is set, so FIPS endpoints are off for ${instance.profile} (the AWS SDKs refuse FIPS with a custom endpoint)` };
}

export interface AwsPartitionProviderProps {
  readonly instance: AwsInstanceConfig;
  /** Set when a stack holds more than one AWS provider. */
  readonly alias?: string;
}

/**
 * The AWS provider for one partition: hardcoded profile and region. Credentials, config files
 * (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE) and endpoints (AWS_ENDPOINT_URL*) come from the
 * standard environment, which the provider reads itself, so an emulator needs no code change.
 */
export class AwsPartitionProvider extends Construct {
  readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: AwsPartitionProviderProps) {
    super(scope, id);
    const fips = decideFips(props.instance);
    if (fips.note) Annotations.of(this).addInfo(fips.note);
    this.provider = new AwsProvider(this, 'aws', {
      alias: props.alias,
      profile: props.instance.profile,
      region: props.instance.region,
      useFipsEndpoint: fips.useFips,
      defaultTags: [{ tags: { ManagedBy: 'entra-identity-center-federation' } }],
    });
  }
}
