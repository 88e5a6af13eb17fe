import { join } from 'node:path';
import { AwsEmulator } from '../../emulators/aws';
import { EntraEmulator } from '../../emulators/entra';
import { awsEmulatorEnv } from '../../harness/aws-emulator-env';
import { CYCLE_MS, PIM_MINIMUM_ACTIVE_MS } from '../context';
import { Phase } from './phase';

/** Provides the clouds: both emulators, and process.env pointing the product at them. */
export const startClouds: Phase = {
  title: 'Start the local clouds (moto behind the AWS gateway, the Entra emulator)',
  async run(ctx, task) {
    // Organizations as AWS answered before 2026-09-09 (Status beside State): hashicorp/aws 5.100.0, the only
    // provider here, reads status alone. The phase "Organizations without Status" answers as AWS does since.
    const [aws, entra] = await Promise.all([AwsEmulator.start({ accountStatusField: 'both' }), EntraEmulator.start({ cycleMs: CYCLE_MS, minimumActiveMs: PIM_MINIMUM_ACTIVE_MS })]);
    ctx.provide('clouds', { aws, entra });
    Object.assign(process.env, awsEmulatorEnv(ctx.dir, aws.endpoint), entra.env(), { FEDERATION_CONTEXT_FILE: join(ctx.dir, 'federation.context.json'), FEDERATION_RECORDS: join(ctx.dir, 'records') });
    task.output = `AWS_ENDPOINT_URL=${aws.endpoint}  GRAPH_ENDPOINT=${entra.endpoint}`;
  },
};
