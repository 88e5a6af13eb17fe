import { FederationInput } from './federation-input';
import { Runnable, StepContext } from './steps/step';
import { redact } from './secret';

/** Turns the errors people meet into one line that names the cause and the fix. */
export function explain(error: unknown, input?: Pick<FederationInput, 'tenantId' | 'awsProfile'>): string {
  const err = error as Error & { statusCode?: number };
  const message = err?.message ?? String(error);
  if (err?.name === 'CredentialUnavailableError' || /az login/i.test(message)) {
    const tenant = input ? ` --tenant ${input.tenantId}` : '';
    return `No usable Azure CLI login${input ? ` for tenant ${input.tenantId}` : ''}: run \`az login${tenant}\` (or set AZURE_CLIENT_ID and workload identity in CI), then run again.`;
  }
  if (err?.name === 'CredentialsProviderError' || /Could not load credentials|could not resolve credentials|Profile .* could not be found/i.test(message)) {
    const profile = input?.awsProfile ?? /profile: \[([^\]]+)\]/.exec(message)?.[1] ?? '(the configured profile)';
    return `AWS profile ${profile} is missing or has no credentials: configure it (\`aws configure sso --profile ${profile}\` or the shared credentials file), then run again.`;
  }
  if (err?.statusCode === 401 || err?.statusCode === 403) {
    return `Microsoft Graph refused the call (HTTP ${err.statusCode}: ${err.message}): the signed-in identity lacks a permission: grant those in permissions/azure-id.graph-permissions.json (a person: Cloud Application Administrator and User Administrator).`;
  }
  const endpoint = unreachableEndpoint(error);
  if (endpoint) return `${endpoint} is unreachable (${message}): check the network, a proxy, or the endpoint variables (GRAPH_ENDPOINT, ENTRA_LOGIN_ENDPOINT, the AWS profile's region)`;
  return message;
}

const CONNECTION_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH'];

/** The host a connection error names (Node puts it on the error or, for fetch, on its cause). */
export function unreachableEndpoint(error: unknown): string | undefined {
  for (let e = error as (Error & { code?: string; address?: string; port?: number; hostname?: string; cause?: unknown }) | undefined; e; e = e.cause as typeof e) {
    if (e.code && CONNECTION_CODES.includes(e.code)) {
      const host = e.hostname ?? e.address;
      return host ? `${host}${e.port ? `:${e.port}` : ''}` : /(?:connect|getaddrinfo) \w+ (\S+)/.exec(e.message)?.[1] ?? 'an endpoint';
    }
  }
  return undefined;
}

export interface PhaseReport {
  readonly ok: boolean;
  readonly results: { id: string; outcome: string; seconds: number }[];
}

/** Runs the steps in order, one progress line each; the first failure stops the phase. */
export async function runPhase(phase: string, steps: readonly Runnable[], ctx: StepContext, print: (line: string) => void): Promise<PhaseReport> {
  const say = (line: string) => print(redact(line));
  const results: PhaseReport['results'] = [];
  say(`${phase} for ${ctx.input.instance} (${ctx.input.partition}, ${ctx.input.region}): ${steps.length} steps that are not pure Terraform`);
  for (const [index, step] of steps.entries()) {
    const started = Date.now();
    const prefix = `[${ctx.input.instance}] ${index + 1}/${steps.length} ${step.label}`;
    // A step boundary is the cleanest place to stop: nothing is half-written there.
    if (ctx.signal?.aborted) {
      const reason = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : String(ctx.signal.reason);
      say(`[${ctx.input.instance}] stopped before step ${index + 1}/${steps.length} ${step.label}: ${reason}`);
      return { ok: false, results };
    }
    try {
      const result = await step.run({ ...ctx, log: (line) => say(`    ${line}`) });
      const seconds = (Date.now() - started) / 1000;
      results.push({ id: step.id, outcome: result.outcome, seconds });
      say(`${prefix} — ${result.outcome} (${seconds.toFixed(1)} s)${result.detail ? `: ${result.detail}` : ''}`);
    } catch (error) {
      const seconds = (Date.now() - started) / 1000;
      results.push({ id: step.id, outcome: 'failed', seconds });
      say(`${prefix} — failed (${seconds.toFixed(1)} s): ${explain(error, ctx.input)}`);
      say(`Nothing after this step ran. Each step reads before it writes, so running "${phase}" again continues where this stopped.`);
      return { ok: false, results };
    }
  }
  return { ok: true, results };
}
