/**
 * `npm run emulator`: the local AWS in the foreground, for a person or another tool. Prints one line,
 * `AWS_ENDPOINT_URL=http://127.0.0.1:<port>`, and stops itself and moto on SIGINT or SIGTERM.
 */
import { AwsEmulator } from '.';
import { EmulatorPortError, emulatorPort, whyNotStarted } from '../port';

async function main(): Promise<void> {
  const emulator = await AwsEmulator.start({ port: emulatorPort(process.env) });
  console.log(`AWS_ENDPOINT_URL=${emulator.endpoint}`);
  console.error(`AWS emulator ready: moto (pid ${emulator.moto.pid}) behind the gateway; Ctrl-C stops both.`);
  const stop = async (signal: string) => {
    console.error(`${signal}: stopping the AWS emulator`);
    await emulator.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof EmulatorPortError ? error.message : `The AWS emulator did not start: ${whyNotStarted(error)}`);
  process.exit(1);
});
