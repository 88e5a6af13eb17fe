import { App, Annotations, TerraformStack } from 'cdktf';
import { loadConfig, rawConfig } from './config';
import { isExampleContext, loadFederationContext, LOOKUP_COMMAND } from './app-config/context';
import { AwsIdentityCenterStack } from './stacks/aws-identity-center-stack';
import { EntraStack } from './stacks/entra-stack';
import { AwsAccessStack } from './stacks/aws-access-stack';
import { accessStacks } from './app-model/stacks';
import { INSTANCE_NAMES } from './app-config/schema';
import { applyStateBackend } from './constructs/state-backend';
import { AppAccessStack, localAccessStates, refuseUnsafeAccessChanges } from './app-model/retired-access-stacks';

export interface BuildOptions {
  /** The configuration to validate and build; the hardcoded one by default. */
  readonly rawConfig?: unknown;
  /** Where local state goes (backend "local"); CDKTF's default is the current directory. Tests and rehearsals use their own. */
  readonly stateDir?: string;
}

/** Builds the app: config → the two AWS stacks, azure-id and the access stacks (one per partition, more when entries name a stack). Validation runs first, so a bad value stops synth early. */
export function buildApp(app: App = new App(), options: BuildOptions = {}): App {
  const config = loadConfig(options.rawConfig ?? rawConfig);
  const context = loadFederationContext();
  // Each stack gets its backend as it is made: an access stack reads its base stack's state through that backend.
  const withState = <T extends TerraformStack>(stack: T): T => {
    applyStateBackend(stack, { state: config.state, localDir: options.stateDir });
    return stack;
  };
  const awsStacks = INSTANCE_NAMES.map((name) =>
    withState(
      new AwsIdentityCenterStack(app, name, {
        instance: config.aws[name],
        identityCenter: config.identityCenter,
        users: config.users,
        entraDomain: context.entra.defaultDomain,
      }),
    ),
  );
  const entra = withState(new EntraStack(app, config.entra.shortName, { config, context, projectRoot: __dirname }));
  // Deploy order only: azure-id reads the AWS side through its own data sources.
  awsStacks.forEach((stack) => entra.addDependency(stack));
  // After azure-id: its federation link provisions the groups these stacks look up (stacks/aws-access-stack.ts);
  // and after their partition's base stack, whose state holds the permission sets' ARNs they read.
  // One stack per access stack name of the partition (an entry's `stack` splits them, for plan time at scale).
  // Each after the one before it in its partition: cdktf deploys independent stacks side by side, each
  // `terraform apply` with 10 workers, and IAM Identity Center allows 15 outstanding asynchronous write
  // calls (CreateAccountAssignment, …) per instance, not adjustable (its quotas page). Chained, one
  // Terraform process at a time writes to an instance; the partitions still deploy side by side, destroy
  // runs in reverse, and `cdktf diff <stack>` of one stack plans alone.
  const access = INSTANCE_NAMES.flatMap((name, i) => {
    let previous: TerraformStack | undefined;
    return accessStacks(config, name).map(({ name: stackName, entries }) => {
      const stack = new AwsAccessStack(app, stackName, {
        instanceName: name,
        instance: config.aws[name],
        access: entries,
        entraDomain: context.entra.defaultDomain,
        entraStackName: config.entra.shortName,
        baseStack: awsStacks[i],
        state: { state: config.state, localDir: options.stateDir },
        baseAssignments: config.identityCenter.assignments,
      });
      stack.addDependency(entra);
      if (previous) stack.addDependency(previous);
      previous = stack;
      return withState(stack);
    });
  });
  const stacks = [...awsStacks, entra, ...access];
  // A deployed access stack never leaves the app with its assignments still in AWS (app-model/retired-access-stacks.ts).
  // Local state is read here, before anything is synthesized; S3 state by `npm run deploy` (scripts/ci/cli.ts retired-stacks).
  if (config.state.backend === 'local') refuseUnsafeAccessChanges(appAccessStacks(app), stacks.map((s) => s.node.id), localAccessStates(options.stateDir ?? process.cwd()));
  if (isExampleContext(context)) {
    stacks.forEach((stack) => Annotations.of(stack).addWarning(`federation.context.json holds example values; run \`${LOOKUP_COMMAND}\` before deploying to real accounts.`));
  }
  return app;
}

/** The access stacks of a built app, with the names of their assignment resources. */
export function appAccessStacks(app: App): AppAccessStack[] {
  return app.node.children.filter((c): c is AwsAccessStack => c instanceof AwsAccessStack).map((stack) => ({ stack: stack.node.id, assignments: stack.assignmentNames() }));
}

/** The CLI keeps annotations in manifest.json; print them so a person sees them in the synth output. */
export function printAnnotations(app: App): void {
  const messages = new Set(
    app.node
      .findAll()
      .flatMap((node) => node.node.metadata)
      .filter((entry) => entry.type === '@cdktf/info' || entry.type === '@cdktf/warn')
      .map((entry) => `${entry.type === '@cdktf/warn' ? 'warning' : 'note'}: ${entry.data}`),
  );
  messages.forEach((message) => console.warn(message));
}

if (require.main === module) {
  try {
    const app = buildApp();
    app.synth();
    printAnnotations(app);
  } catch (error) {
    // One clear message, no stack trace, for errors we explain ourselves.
    console.error((error as Error).message);
    process.exit(1);
  }
}
