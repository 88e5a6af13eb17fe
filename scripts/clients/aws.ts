import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import { Partition } from '../../app-config/schema';
import { customEndpoint, decideFips } from './aws-endpoints';
import { ApiConsoleOperations, ConsoleOperations } from './console-operations';
import { ManualConsoleOperations } from './manual-console-operations';
import { OperatorPrompt } from './operator-prompt';
import { PRODUCT_AGENT } from './product-agent';
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
  /** The Organization and the caller's account, which the access report expands access entries against. */
  readonly organizations: OrganizationsClient;
  readonly sts: STSClient;
}

export interface AwsClientOptions {
  readonly manual?: OperatorPrompt;
  readonly env?: NodeJS.ProcessEnv;
  /** The time limit of one call before it is abandoned and retried (a hung connection). */
  readonly attemptTimeoutMs?: number;
}

// AWS answers these calls in well under a second; 30 s is room for a slow one, not a hang.
const ATTEMPT_TIMEOUT_MS = 30_000;

/**
 * The clients for one instance, with the stacks' credential chain (the profile, read from the
 * standard AWS files), FIPS endpoints in GovCloud, and AWS_ENDPOINT_URL* honoured for emulators.
 * The SDK clients retry in the standard mode (throttling, 5xx, timeouts, with backoff), and each
 * attempt has a time limit: without throwOnRequestTimeout, @smithy/node-http-handler only logs a
 * warning when requestTimeout passes, and a hung identity-store call would hang the provisioner.
 */
export function awsClients(target: AwsTarget, options: AwsClientOptions = {}): AwsClients {
  const env = options.env ?? process.env;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const credentials = fromIni({ profile: target.awsProfile, filepath: env.AWS_SHARED_CREDENTIALS_FILE, configFilepath: env.AWS_CONFIG_FILE });
  const { useFips } = decideFips(target.partition, target.awsProfile, env);
  const common = {
    region: target.region,
    credentials,
    useFipsEndpoint: useFips,
    retryMode: 'standard',
    maxAttempts: 5,
    requestHandler: { requestTimeout: attemptTimeoutMs, throwOnRequestTimeout: true },
    userAgentAppId: PRODUCT_AGENT,
  };
  const consoleApi = new SignedJsonClient({ region: target.region, credentials, endpoint: env.AWS_ENDPOINT_URL, retry: { timeoutMs: 4 * attemptTimeoutMs, attemptTimeoutMs } });
  return {
    ssoAdmin: new SSOAdminClient({ ...common, endpoint: customEndpoint('SSO_ADMIN', env) }),
    identityStore: new IdentitystoreClient({ ...common, endpoint: customEndpoint('IDENTITYSTORE', env) }),
    organizations: new OrganizationsClient({ ...common, endpoint: customEndpoint('ORGANIZATIONS', env) }),
    sts: new STSClient({ ...common, endpoint: customEndpoint('STS', env) }),
    console: options.manual ? new ManualConsoleOperations(options.manual, `${target.awsProfile} ${target.region}`) : new ApiConsoleOperations(consoleApi),
  };
}
