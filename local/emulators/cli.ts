/**
 * `npm run emulator`: the local AWS and the local Entra tenant in the foreground, for a person or
 * another tool. Prints the environment that points clients at them, one `NAME=value` line each,
 * AWS_ENDPOINT_URL first (then GRAPH_ENDPOINT, ENTRA_LOGIN_ENDPOINT and the bearer token the Graph
 * emulator accepts, GRAPH_EMULATOR_TOKEN), and stops both, moto included, on SIGINT or SIGTERM.
 */
import { AwsEmulator } from './aws';
import { EntraEmulator } from './entra';
import { EmulatorPortError, emulatorPort, whyNotStarted } from './port';

async function main(): Promise<void> {
  const aws = await AwsEmulator.start({ port: emulatorPort(process.env) });
  const entra = await EntraEmulator.start().catch(async (error) => {
    await aws.stop();
    throw error;
  });
  const env = { AWS_ENDPOINT_URL: aws.endpoint, ...entra.env() };
  Object.entries(env).forEach(([name, value]) => console.log(`${name}=${value}`));
  console.error(`AWS emulator ready: moto (pid ${aws.moto.pid}) behind the gateway; Entra tenant ${entra.tenantId} at ${entra.endpoint}; Ctrl-C stops all.`);
  const stop = async (signal: string) => {
    console.error(`${signal}: stopping the emulators`);
    await Promise.all([entra.stop(), aws.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof EmulatorPortError ? error.message : `The emulators did not start: ${whyNotStarted(error)}`);
  process.exit(1);
});
