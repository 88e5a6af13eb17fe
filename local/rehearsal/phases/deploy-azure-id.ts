import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENTRA_STACK } from '../context';
import { Phase } from './phase';

/** Arms the chosen faults for the federation steps and reports how each was outlasted; with 'interrupted', interrupts post-apply twice first. */
export const deployAzureId: Phase = {
  title: `Deploy ${ENTRA_STACK} through the Entra emulator (no azuread provider binary here), with the federation links' post-apply steps`,
  async run(ctx, task) {
    const { deployer, report } = ctx;
    const armed = ctx.armFaults();
    if (ctx.faults.has('interrupted')) {
      // As Ctrl-C reaches the process group when step 3 ends, then as Terraform cancels (the shell killed) while step 6 runs.
      for (const [how, step] of [['signal', 3], ['kill-shell', 5]] as const) {
        let seen = 0;
        const after = (line: string) => new RegExp(` ${step}/\\d+ .* — `).test(line) && ++seen === 1;
        const interruption = await deployer.apply(ctx.provision(task, { after, how })).then(
          () => undefined,
          (error: Error) => error,
        );
        report.check(`an interrupted post-apply stops the deploy (${how}), and no federation process survives it`, Boolean(interruption?.message.includes('no process of it survived')), interruption?.message.split('\n')[0] ?? 'it was not interrupted');
      }
    }
    const counts = await deployer.apply(ctx.provision(task));
    report.resources[ENTRA_STACK] = { created: deployer.createdTotal, destroyed: 0, note: 'through the Entra emulator' };
    task.output = `${ENTRA_STACK}: ${counts.created} created, ${counts.unchanged} unchanged`;
    if (ctx.faults.has('interrupted')) {
      // Post-apply writes the deploy record as its last act (scripts/deploy-record.ts): one per link means each ran to its end.
      const missing = deployer.linkInputs().filter((input) => !existsSync(join(ctx.dir, 'records', `${input.instance}.json`)));
      report.check('deploying again after the interruption completes the federation', missing.length === 0, missing.length ? `no deploy record for ${missing.map((i) => i.instance).join(', ')}` : 'a deploy record for every instance');
    }
    ctx.reportFaults(armed);
  },
};
