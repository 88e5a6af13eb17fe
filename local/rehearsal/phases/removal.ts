import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { rawConfig } from '../../../config';
import { INSTANCE_NAMES, InstanceName } from '../../../app-config/schema';
import { MovedAssignmentError, RetiredStackError } from '../../../app-model/retired-access-stacks';
import { buildApp } from '../../../main';
import { runAccess } from '../access-demo';
import { AWS_STACKS, CYCLE_MS, inChains } from '../context';
import { expectedGroupAssignments, groupAssignmentsInAws, moveAccountToRoot, REHEARSAL_SPLIT, withoutSplitEntries } from '../groups';
import { Phase } from './phase';

/** The error the retired/moved access stack guard (app-model/retired-access-stacks.ts) raises while building the app from `raw`, if any. */
function refused(raw: unknown, stateDir: string): RetiredStackError | MovedAssignmentError | undefined {
  try {
    buildApp(new App({ outdir: mkdtempSync(join(tmpdir(), 'rehearsal-guard-')) }), { rawConfig: raw, stateDir });
    return undefined;
  } catch (error) {
    if (error instanceof RetiredStackError || error instanceof MovedAssignmentError) return error;
    throw error;
  }
}

export const removal: Phase = {
  title: `Remove the last entries of the ${REHEARSAL_SPLIT.stack} access stacks from the config, move an account out of Workloads, and deploy: ${REHEARSAL_SPLIT.group}'s assignments and those on the moved account are gone in both partitions`,
  only: { scope: 'full' },
  async run(ctx, task) {
    const { config, organizations, report, workspace, accessChains, accessStacks } = ctx;
    // Stacks merged in one deploy: AWS-Admins' entries back in <instance>-access while the admin stacks' states hold them.
    const unsplit = Object.fromEntries(INSTANCE_NAMES.map((i) => [i, config.identityCenter.access[i].map(({ stack: _stack, ...entry }: { stack?: string }) => entry)]));
    const merged = refused({ ...config, identityCenter: { ...config.identityCenter, access: unsplit } }, ctx.dir);
    report.check(`moving ${REHEARSAL_SPLIT.group}'s entries back to <instance>-access in one deploy is refused before any call, naming both stacks`, merged instanceof MovedAssignmentError && merged.moved.length === INSTANCE_NAMES.length, merged instanceof Error ? merged.message.split('\n')[0] : 'accepted');
    const undeclaredEarly = refused(withoutSplitEntries(config, { declared: false }), ctx.dir);
    report.check(`removing the ${REHEARSAL_SPLIT.stack} stacks from identityCenter.accessStacks while their state holds assignments is refused before any call`, undeclaredEarly instanceof RetiredStackError && undeclaredEarly.retired.length === INSTANCE_NAMES.length, undeclaredEarly instanceof Error ? undeclaredEarly.message.split('\n')[0] : 'accepted');
    // An account leaves an OU: the report calls its assignment out of scope, and the next deploy deletes it.
    const moved = new Map<InstanceName, string>();
    for (const instance of INSTANCE_NAMES) {
      const after = await moveAccountToRoot(ctx.awsIn(rawConfig.aws[instance].region), organizations.get(instance)!, 'Workloads');
      organizations.set(instance, after.organization);
      moved.set(instance, after.moved);
    }
    const { report: before } = await runAccess({ config, cycleMs: CYCLE_MS }, false);
    for (const instance of INSTANCE_NAMES) {
      const findings = before.instances.find((i) => i.instance === instance);
      const outOfScope = findings?.readable ? findings.findings.filter((f) => f.kind === 'out-of-scope' && f.subject.includes(moved.get(instance)!)) : [];
      report.check(`the access report calls the assignment on the account moved out of Workloads in ${instance} out of scope before the deploy`, outOfScope.length > 0, outOfScope.map((f) => `${f.subject}: ${f.detail}`).join('; ') || 'no such finding');
    }
    const removed = withoutSplitEntries(config, { declared: true });
    workspace.resynth(removed);
    // The new synth's folders: every stack applied or destroyed after this point is initialized there.
    await Promise.all([...AWS_STACKS, ...accessStacks].map((stack) => workspace.init(stack)));
    const applied = await inChains(accessChains, (stack) => workspace.apply(stack));
    accessStacks.forEach((stack, i) => (report.resources[stack].destroyed += Number(/(\d+) destroyed/.exec(applied[i].stdout)?.[1] ?? 0)));
    for (const input of ctx.deployer.linkInputs()) {
      const instance = input.instance as InstanceName;
      const organization = organizations.get(instance)!;
      const found = await groupAssignmentsInAws(ctx.awsIn(input.region), organization);
      const expected = expectedGroupAssignments(removed, instance, organization);
      const left = [...found].filter((a) => a.startsWith(`${REHEARSAL_SPLIT.group}|`));
      const onMoved = [...found].filter((a) => a.endsWith(`|${moved.get(instance)}`));
      const others = [...expected].every((a) => found.has(a)) && found.size === expected.size;
      report.check(
        `${REHEARSAL_SPLIT.group}'s entries removed and an account moved out of Workloads: none of those assignments left in ${instance}, the others unchanged`,
        left.length === 0 && onMoved.length === 0 && others && expected.size > 0,
        `${REHEARSAL_SPLIT.group}: ${left.length} left; on the moved account ${moved.get(instance)}: ${onMoved.length} left; ${found.size} group assignments, ${expected.size} expected`,
      );
    }
    const undeclaredAfter = refused(withoutSplitEntries(config, { declared: false }), ctx.dir);
    report.check(`once deployed empty, the ${REHEARSAL_SPLIT.stack} stacks may leave identityCenter.accessStacks`, undeclaredAfter === undefined, undeclaredAfter?.message.split('\n')[0] ?? 'accepted: their states hold nothing');
    task.output = 'removed';
  },
};
