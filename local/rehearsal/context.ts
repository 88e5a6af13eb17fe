/**
 * What the rehearsal's phases (local/rehearsal/phases/) share: what the run was asked for, what it
 * keeps for the report and the secret scan, what each phase provides to those after it, and the
 * helpers more than one phase uses. A phase that asks for something before the phase providing it
 * has run gets an error naming that phase, not an undefined.
 */
import { rawConfig } from '../../config';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { AwsEmulator } from '../emulators/aws';
import { EntraEmulator } from '../emulators/entra';
import { TerraformWorkspace } from '../harness/terraform-workspace';
import { EntraStackDeployer, RunProvisioner } from './entra-deployer';
import { Fault, FAULT_PLANS, FaultPlan } from './faults';
import { Organizations, RehearsalConfig } from './groups';
import { Interruption, runProvisioner } from './provisioner';
import { Report } from './report';
import { ScanSource } from './secret-scan';

export const credentials = { accessKeyId: 'AKIAREHEARSAL', secretAccessKey: 'rehearsal' };
export const AWS_STACKS = INSTANCE_NAMES;
export const ENTRA_STACK = rawConfig.entra.shortName;
// The Entra emulator's provisioning interval; Entra's own is about 40 minutes.
export const CYCLE_MS = 500;
// How long the Entra emulator's PIM keeps an activation before it may be ended: Entra's own five minutes (Microsoft
// Entra docs, "Assign eligibility for a group in PIM"). The just-in-time phase lets them pass by lowering it to 0 after
// its early revoke, so that no check depends on how fast a busy machine gets from elevate to revoke.
export const PIM_MINIMUM_ACTIVE_MS = 5 * 60_000;

/** 'full' (npm start): the whole product. 'federation': the base stacks, azure-id and its federation steps only. */
export type Scope = 'full' | 'federation';

/** The line under a phase's title in the progress view (listr2's task output). */
export interface PhaseTask {
  output: string;
}

/** What each phase provides to the phases after it, under the name of the phase that provides it. */
export interface Provided {
  /** start-clouds: both emulators, running, and process.env pointing at them. */
  readonly clouds: { readonly aws: AwsEmulator; readonly entra: EntraEmulator };
  /**
   * organization (full scope only): an Organization per partition, the rehearsal config with access on
   * its OUs, and that config's access stacks (app-model/stacks.ts decides them): per partition in the
   * order cdktf applies them (main.ts chains them), and all of them in deploy order.
   */
  readonly organization: {
    readonly organizations: Organizations;
    readonly config: RehearsalConfig;
    readonly accessChains: string[][];
    readonly accessStacks: string[];
  };
  /** synth: the synthesized stacks' Terraform workspace, and the deployer that applies azure-id through the Entra emulator. */
  readonly synth: { readonly workspace: TerraformWorkspace; readonly deployer: EntraStackDeployer };
}

const PROVIDED_BY: Record<keyof Provided, string> = {
  clouds: 'phases/start-clouds.ts',
  organization: 'phases/organization.ts (full scope only)',
  synth: 'phases/synth.ts',
};

export class RehearsalContext {
  readonly faults: ReadonlySet<Fault>;
  readonly full: boolean;
  /** What the product printed and the environments it started processes with, for the secret scan. */
  readonly transcript: ScanSource[] = [];
  /** What lookup and rotate-token printed, for the secret scan. */
  readonly said: string[] = [];
  private readonly provided: Partial<Provided> = {};

  constructor(
    readonly report: Report,
    /** The run's work folder: Terraform state, records, the federation context, emulator credential files. */
    readonly dir: string,
    faults: readonly Fault[],
    scope: Scope,
  ) {
    this.faults = new Set(faults);
    this.full = scope === 'full';
  }

  provide<K extends keyof Provided>(key: K, value: Provided[K]): void {
    this.provided[key] = value;
  }

  /** What a phase provided, or undefined when it has not run (the cleanup after a failure asks this way). */
  ifProvided<K extends keyof Provided>(key: K): Provided[K] | undefined {
    return this.provided[key];
  }

  need<K extends keyof Provided>(key: K): Provided[K] {
    const value = this.provided[key];
    if (!value) throw new Error(`The rehearsal has no ${key} yet: ${PROVIDED_BY[key]} provides it, and must run before this phase.`);
    return value;
  }

  get aws(): AwsEmulator {
    return this.need('clouds').aws;
  }
  get entra(): EntraEmulator {
    return this.need('clouds').entra;
  }
  get organizations(): Organizations {
    return this.need('organization').organizations;
  }
  get config(): RehearsalConfig {
    return this.need('organization').config;
  }
  /** The access stacks per partition, in the order cdktf applies them; none in federation scope. */
  get accessChains(): string[][] {
    return this.full ? this.need('organization').accessChains : [];
  }
  /** Every access stack, in deploy order; none in federation scope. */
  get accessStacks(): string[] {
    return this.full ? this.need('organization').accessStacks : [];
  }
  get workspace(): TerraformWorkspace {
    return this.need('synth').workspace;
  }
  get deployer(): EntraStackDeployer {
    return this.need('synth').deployer;
  }

  /** An AWS client configuration for the emulator in a region. */
  awsIn(region: string): { region: string; endpoint: string; credentials: typeof credentials } {
    return { region, endpoint: this.aws.endpoint, credentials };
  }

  /** terraform init of every stack at once (no call to AWS), then apply in chains, counting what each created (listed in deploy order). */
  async deployStacks(chains: readonly (readonly string[])[], task: PhaseTask): Promise<void> {
    const { report, workspace } = this;
    chains.flat().forEach((stack) => (report.resources[stack] = { created: 0, destroyed: 0 }));
    await Promise.all(chains.flat().map((stack) => workspace.init(stack)));
    await inChains(chains, async (stack) => {
      const applied = await workspace.apply(stack);
      task.output = `${stack}: ${/Apply complete! (.*)/.exec(applied.stdout)?.[1] ?? 'applied'}`;
      report.resources[stack] = { created: Number(/(\d+) added/.exec(applied.stdout)?.[1] ?? 0), destroyed: 0 };
    });
  }

  /** Terraform's part for a federation link: run its provisioner, showing each labelled step. */
  provision(task: PhaseTask, interrupt?: Interruption): RunProvisioner {
    return (_address, provisioner, input) => runProvisioner(this.workspace.stackDir(ENTRA_STACK), provisioner, input, { onLine: (line) => (task.output = line), interrupt, transcript: this.transcript });
  }

  /** A user's SAML sign-in: Entra's emulator issues the response, the AWS emulator's ACS answers what it grants. */
  async samlSignIn(appId: string, userPrincipalName: string): Promise<{ status: number; body: any }> {
    const { aws, entra } = this;
    const idp = await fetch(`${entra.endpoint}/${entra.tenantId}/saml2/emulator-signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId, userPrincipalName }) });
    const issued = (await idp.json()) as any;
    if (!idp.ok) return { status: idp.status, body: { error: issued.error?.message } };
    // The browser posts the response to the ACS URL it names; the emulator serves that same path.
    const acs = await fetch(`${aws.endpoint}${new URL(issued.destination).pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: issued.samlResponse }) });
    return { status: acs.status, body: await acs.json() };
  }

  /** Arms each chosen fault that has a plan in its emulator; returns the kind each was armed as. */
  armFaults(): Map<FaultPlan, string> {
    const armed = new Map<FaultPlan, string>();
    for (const plan of [...this.faults].map((fault) => FAULT_PLANS[fault]).filter((p): p is FaultPlan => Boolean(p))) {
      const rule = plan.rule(this.ledgerOf(plan));
      this.ledgerOf(plan).arm(rule);
      armed.set(plan, rule.kind);
    }
    return armed;
  }

  /**
   * One check per injected fault: served on the calls it aims at, and each one retried and outlasted
   * by whoever the plan names (the product, or Entra's sync engine for SCIM). The counts come from the
   * emulators' ledgers, which see only the traffic.
   */
  reportFaults(armed: Map<FaultPlan, string>): void {
    for (const [plan, kind] of armed) {
      const outcome = this.ledgerOf(plan).outcomes().find((o) => o.kind === kind)!;
      this.report.faults.push({ ...outcome, retrier: plan.retrier });
      const who = plan.retrier === 'product' ? "the product's calls" : "Entra's SCIM calls (the sync engine's, not the product's)";
      this.report.check(
        `${outcome.kind} on ${who}: every one retried and recovered`,
        outcome.injected > 0 && outcome.retried === outcome.injected && outcome.recovered === outcome.injected,
        `${outcome.injected} injected, ${outcome.retried} retried, ${outcome.recovered} recovered`,
      );
    }
  }

  private ledgerOf(plan: FaultPlan) {
    return (plan.emulator === 'aws' ? this.aws : this.entra).faults;
  }
}

/**
 * Runs `run` over chains of stacks as `cdktf deploy '*'` orders them: the chains side by side, the
 * stacks of one chain one after another (destroy: each chain in reverse). Results in the order of
 * `chains.flat()`, not of completion.
 */
export async function inChains<T>(chains: readonly (readonly string[])[], run: (stack: string) => Promise<T>, reverse = false): Promise<T[]> {
  const results = new Map<string, T>();
  await Promise.all(
    chains.map(async (chain) => {
      for (const stack of reverse ? [...chain].reverse() : chain) results.set(stack, await run(stack));
    }),
  );
  return chains.flat().map((stack) => results.get(stack)!);
}

/** Polls `probe` every 0.1 s until it returns a value, or undefined after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}
