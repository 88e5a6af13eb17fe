import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AwsInstanceConfig } from '../app-config/schema';
import { literal } from './literal';
import { fipsFor, REHEARSAL_ENDPOINT_CONTEXT } from '../app-model/fips';

export interface AwsPartitionProviderProps {
  readonly instance: AwsInstanceConfig;
  /** Set when a stack holds more than one AWS provider. */
  readonly alias?: string;
  /** The provider's retry_mode and max_retries; its defaults when unset. */
  readonly retries?: { readonly mode: 'standard' | 'adaptive'; readonly maxRetries: number };
}

/**
 * The AWS provider for one partition: hardcoded profile and region. Credentials and config files
 * (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE) come from the standard environment, which the
 * provider reads itself. What synth writes depends on the config and the context only: FIPS is on
 * in GovCloud unless the rehearsal names its emulator in the app context (REHEARSAL_ENDPOINT_CONTEXT).
 */
export class AwsPartitionProvider extends Construct {
  readonly provider: AwsProvider;

  constructor(scope: Construct, id: string, props: AwsPartitionProviderProps) {
    super(scope, id);
    const fips = fipsFor(props.instance.partition, props.instance.profile, this.node.tryGetContext(REHEARSAL_ENDPOINT_CONTEXT));
    if (fips.note) Annotations.of(this).addInfo(fips.note);
    this.provider = new AwsProvider(this, 'aws', {
      alias: props.alias,
      profile: literal(props.instance.profile),
      region: literal(props.instance.region),
      useFipsEndpoint: fips.useFips,
      retryMode: props.retries?.mode,
      maxRetries: props.retries?.maxRetries,
      defaultTags: [{ tags: { ManagedBy: 'entra-identity-center-federation' } }],
    });
  }
}
