/**
 * The committed context file (docs/decisions/0001-console-values-in-committed-context-file.md): like an AWS CDK context
 * lookup, a command reads the values once and writes them here; synth only reads.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { INSTANCE_NAMES, InstanceName } from './schema';

export const LOOKUP_COMMAND = 'npm run federation -- lookup';
export const DEFAULT_CONTEXT_FILE = resolve(__dirname, '..', 'federation.context.json');

const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https URL' });

export const instanceSamlSchema = z.object({
  issuer: httpsUrl,
  acsUrl: httpsUrl,
  accessPortalUrl: httpsUrl,
});

const contextSchema = z.object({
  // "lookup" once the lookup command has written real values; anything else is an example.
  source: z.string(),
  entra: z.object({ defaultDomain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain name') }),
  instances: z.object(Object.fromEntries(INSTANCE_NAMES.map((name) => [name, instanceSamlSchema])) as Record<InstanceName, typeof instanceSamlSchema>),
});

export type InstanceSamlValues = z.infer<typeof instanceSamlSchema>;
export type FederationContext = z.infer<typeof contextSchema>;

export class FederationContextError extends Error {
  constructor(file: string, problems: string[]) {
    super(
      `Federation context ${file} is missing values:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        `Fill it with \`${LOOKUP_COMMAND}\` (reads them from Identity Center and Entra), then commit the file.`,
    );
    this.name = 'FederationContextError';
  }
}

/** Reads and checks the context file; `FEDERATION_CONTEXT_FILE` points elsewhere (tests, rehearsal). */
export function loadFederationContext(file = process.env.FEDERATION_CONTEXT_FILE ?? DEFAULT_CONTEXT_FILE): FederationContext {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FederationContextError(file, [`cannot read it as JSON (${(error as Error).message})`]);
  }
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    throw new FederationContextError(file, result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}

export function isExampleContext(context: FederationContext): boolean {
  return context.source !== 'lookup';
}
