import { inspect } from 'node:util';

// Every secret value this process has seen, so output can be scrubbed as a last line of defence.
const known = new Set<string>();

/**
 * A value that must never reach a log, a file or an error message (the SCIM bearer token). Every
 * way of turning it into text gives a placeholder; only `reveal()` gives the value, at the one
 * place that sends it on.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    if (value) known.add(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}

/** Replaces any secret value this process has held with a placeholder. */
export function redact(text: string): string {
  let result = text;
  for (const value of known) result = result.split(value).join('[secret]');
  return result;
}
