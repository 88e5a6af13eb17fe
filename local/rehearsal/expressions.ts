/**
 * The few Terraform expressions the synthesized azure-id stack uses: references with attribute,
 * index and key access, `element(list, n)`, `uuid()`, `one([for … in list : val.a if val.b == "…"])`,
 * and string interpolation. Enough to apply that stack through the Entra emulator, since no azuread
 * provider binary is available here.
 */
import { randomUUID } from 'node:crypto';

export type Values = Map<string, Record<string, unknown>>;

const TEMPLATE = /\$\{([^}]*)\}/g;

function lookup(path: string, values: Values): unknown {
  const tokens = path.match(/[\w-]+|\[\d+\]|\["[^"]*"\]/g) ?? [];
  const isData = tokens[0] === 'data';
  const [type, name] = isData ? tokens.slice(1, 3) : tokens.slice(0, 2);
  const address = `${isData ? 'data.' : ''}${type}.${name}`;
  let value: unknown = values.get(address);
  if (value === undefined) throw new Error(`${address} is not known yet`);
  for (const token of tokens.slice(isData ? 3 : 2)) {
    const key = token.startsWith('[') ? JSON.parse(token.slice(1, -1).replace(/^(\d+)$/, '$1')) : token;
    value = (value as Record<string, unknown>)?.[key];
  }
  if (value === undefined) throw new Error(`${path} has no value`);
  return value;
}

// `[for key, val in toset(list) : val.attribute if val.other == "text"]`, as CDKTF's iterators render it.
const FOR_FILTER = /^\[\s*for\s+(?:\w+,\s*)?(\w+)\s+in\s+(?:toset\((.+?)\)|(\S+?))\s*:\s*\1\.(\w+)\s+if\s+\1\.(\w+)\s*==\s*"([^"]*)"\s*\]$/;

/** Terraform's one(): the only element, null for none, an error for more. */
function one(list: unknown[], expression: string): unknown {
  if (list.length > 1) throw new Error(`Invalid function argument: ${expression} must be a list, set, or tuple value with either zero or one elements (has ${list.length})`);
  return list[0] ?? null;
}

function evaluate(expression: string, values: Values): unknown {
  const text = expression.trim();
  if (text === 'uuid()') return randomUUID();
  const element = /^element\((.+),\s*(\d+)\)$/.exec(text);
  if (element) return (lookup(element[1], values) as unknown[])[Number(element[2])];
  const onlyOne = /^one\((.+)\)$/.exec(text);
  if (onlyOne) return one(evaluate(onlyOne[1], values) as unknown[], text);
  const filter = FOR_FILTER.exec(text);
  if (filter) {
    const [, , inSet, inList, attribute, key, wanted] = filter;
    return (lookup(inSet ?? inList, values) as Record<string, unknown>[]).filter((item) => item[key] === wanted).map((item) => item[attribute]);
  }
  return lookup(text, values);
}

/** Whether a configuration value is known only after apply: Terraform's uuid() differs at every plan. */
export function knownAfterApply(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('${uuid()');
}

/** Resolves every `${…}` in a configuration value, recursively through objects and arrays. */
export function resolve(value: unknown, values: Values): any {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]*)\}$/.exec(value);
    if (whole) return evaluate(whole[1], values);
    return value.replace(TEMPLATE, (_, expression) => String(evaluate(expression, values)));
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, values));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//').map(([k, v]) => [k, resolve(v, values)]));
  return value;
}

/** The addresses a configuration value refers to, for ordering (resource types have an underscore; `val.x` does not). */
export function references(value: unknown): string[] {
  const expressions = [...JSON.stringify(value).matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
  return expressions.flatMap((expression) => [...expression.matchAll(/(?<![\w.])((?:data\.)?[a-z0-9]+_[a-z0-9_]+\.[\w-]+)/g)].map((m) => m[1]));
}
