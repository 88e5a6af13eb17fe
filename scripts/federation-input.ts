import { FederationInput, federationInputSchema } from '../app-model/federation-input';

// The schema is shared with the federation link that writes the input (app-model/federation-input.ts).
export type { FederationInput };
export { federationInputSchema };

export class FederationInputError extends Error {
  constructor(problems: string[]) {
    super(
      `FEDERATION_INPUT is not what the federation link passes:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'It is set by the azure-id stack\'s provisioners; to run a step by hand, copy the input from `terraform state show` of the federation link.',
    );
    this.name = 'FederationInputError';
  }
}

export function parseFederationInput(json: string | undefined): FederationInput {
  if (!json) throw new FederationInputError(['it is not set']);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new FederationInputError(['it is not JSON']);
  }
  const result = federationInputSchema.safeParse(raw);
  if (!result.success) throw new FederationInputError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return result.data;
}
