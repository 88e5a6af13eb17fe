import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { fromIni } from '@aws-sdk/credential-providers';
import { Partition } from '../../config-schema';
import { customEndpoint, decideFips } from './aws-endpoints';
import { ApiConsoleOperations, ConsoleOperations } from './console-operations';
import { ManualConsoleOperations } from './manual-console-operations';
import { OperatorPrompt } from './operator-prompt';
import { SignedJsonClient } from './signed-json-client';

export interface AwsTarget {
  readonly awsProfile: string;
  readonly region: string;
  readonly partition: Partition;
}

export interface AwsClients {
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
  readonly console: ConsoleOperations;
}

/**
 * The clients for one instance, with the stacks' credential chain (the profile, read from the
 * standard AWS files), FIPS endpoints in GovCloud, and AWS_ENDPOINT_URL* honoured for emulators.
 */
export function awsClients(target: AwsTarget, options: { manual?: OperatorPrompt; env?: NodeJS.ProcessEnv } = {}): AwsClients {
  const env = options.env ?? process.env;
  const credentials = fromIni({ profile: target.awsProfile, filepath: env.AWS_SHARED_CREDENTIALS_FILE, configFilepath: env.AWS_CONFIG_FILE });
  const { useFips } = decideFips(target.partition, target.awsProfile, env);
  const common = { region: target.region, credentials, useFipsEndpoint: useFips, maxAttempts: 5 };
  const consoleApi = new SignedJsonClient({ region: target.region, credentials, endpoint: env.AWS_ENDPOINT_URL });
  return {
    ssoAdmin: new SSOAdminClient({ ...common, endpoint: customEndpoint('SSO_ADMIN', env) }),
    identityStore: new IdentitystoreClient({ ...common, endpoint: customEndpoint('IDENTITYSTORE', env) }),
    console: options.manual ? new ManualConsoleOperations(options.manual, `${target.awsProfile} ${target.region}`) : new ApiConsoleOperations(consoleApi),
  };
}
