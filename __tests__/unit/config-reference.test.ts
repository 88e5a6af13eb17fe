import { readFileSync } from 'node:fs';
import { rawConfig } from '../../config';
import { CONFIG_REFERENCE, configReferenceRows, renderConfigReference } from '../../scripts/docs/config-reference';

/** The paths of every field config.ts sets, as the reference writes them (`[]` for each item of a list). */
function fieldPaths(value: unknown, prefix: string, records: ReadonlySet<string>): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => fieldPaths(item, `${prefix}[]`, records));
  if (!value || typeof value !== 'object' || records.has(prefix)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...fieldPaths(item, path, records)];
  });
}

describe('configuration reference (docs/configuration.md)', () => {
  const rows = configReferenceRows();

  it('is current: rendered again from the schema, it is the committed file (run npm run docs:config after a change)', () => {
    expect(readFileSync(CONFIG_REFERENCE, 'utf8')).toBe(renderConfigReference());
  });

  it('describes every field where the schema declares it', () => {
    expect(rows.filter((row) => !row.description.trim()).map((row) => row.path)).toEqual([]);
  });

  it('lists every field config.ts sets', () => {
    const records = new Set(rows.filter((row) => row.type === 'record').map((row) => row.path));
    const listed = new Set(rows.map((row) => row.path));
    const paths = [...new Set(fieldPaths(rawConfig, '', records))];
    expect(paths.length).toBeGreaterThan(50);
    expect(paths.filter((path) => !listed.has(path))).toEqual([]);
  });

  it('says which fields are required, optional or defaulted, with their type', () => {
    const row = (path: string) => rows.find((r) => r.path === path);
    expect(row('state.backend')).toMatchObject({ type: '"local" | "s3"', presence: 'required' });
    expect(row('identityCenter.permissionSets[].awsManagedPolicies')).toMatchObject({ type: 'string[]', presence: 'default: []' });
    expect(row('identityCenter.access.aws-govcloud[].stack')).toMatchObject({ type: 'string', presence: 'optional' });
    expect(row('pim.privilegedGroups[].eligibilityDuration')).toMatchObject({ presence: 'default: "P365D"' });
  });
});
