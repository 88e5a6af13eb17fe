import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AwsInstanceConfig } from '../config-schema';
import { decideFips } from '../scripts/clients/aws-endpoints';

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
    const fips = decideFips(props.instance.partition, props.instance.profile);
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
