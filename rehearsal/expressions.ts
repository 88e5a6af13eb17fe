/**
 * The few Terraform expressions the synthesized azure-id stack uses: references with attribute,
 * index and key access, `element(list, n)`, and string interpolation. Enough to apply that stack
 * through the Entra emulator, since no azuread provider binary is available here.
 */
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

function evaluate(expression: string, values: Values): unknown {
  const element = /^element\((.+),\s*(\d+)\)$/.exec(expression.trim());
  if (element) return (lookup(element[1], values) as unknown[])[Number(element[2])];
  return lookup(expression.trim(), values);
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

/** The addresses a configuration value refers to, for ordering. */
export function references(value: unknown): string[] {
  const text = JSON.stringify(value);
  return [...text.matchAll(/\$\{(?:element\()?((?:data\.)?[\w-]+\.[\w-]+)/g)].map((m) => m[1]).filter((a) => !a.startsWith('self.'));
}
