import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawConfig } from '../../config';

/** The throwaway access key of a profile, so tests can tell its calls from their own. */
export const emulatorAccessKey = (partition: string) => `AKIAEMULATOR${partition === 'aws' ? 'COMM' : 'GOVC'}`;

/**
 * The standard AWS environment that points everything (the stacks' provider, the SDKs, the CLI)
 * at an emulator: profiles with throwaway keys, as the hardcoded config names them.
 */
export function awsEmulatorEnv(dir: string, endpoint: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const profiles = Object.values(rawConfig.aws);
  const configFile = join(dir, 'aws-config');
  const credentialsFile = join(dir, 'aws-credentials');
  writeFileSync(configFile, profiles.map((p) => `[profile ${p.profile}]\nregion = ${p.region}\n`).join('\n'));
  writeFileSync(
    credentialsFile,
    profiles.map((p) => `[${p.profile}]\naws_access_key_id = ${emulatorAccessKey(p.partition)}\naws_secret_access_key = emulator\n`).join('\n'),
  );
  return {
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
