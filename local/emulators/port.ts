/**
 * EMULATOR_PORT for `npm run emulator`, checked before anything starts, and the sentence for a
 * port that cannot be had. Both command lines (local/emulators/cli.ts, local/emulators/aws/cli.ts) use these.
 */
export class EmulatorPortError extends Error {}

/** The port EMULATOR_PORT asks for; undefined (take a free one) when it is unset or empty. */
export function emulatorPort(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.EMULATOR_PORT;
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new EmulatorPortError(`EMULATOR_PORT=${value} is not a TCP port: give a whole number from 1 to 65535, or leave EMULATOR_PORT unset to take a free one.`);
  }
  return port;
}

/** One sentence for why an emulator did not start: a port in use names the port and the fix. */
export function whyNotStarted(error: NodeJS.ErrnoException & { port?: number }): string {
  if (error.code !== 'EADDRINUSE') return error.message;
  return `port ${error.port} on 127.0.0.1 is in use (another emulator?): stop what holds it, or choose another port with EMULATOR_PORT=<port> npm run emulator (leave EMULATOR_PORT unset to take a free one).`;
}
