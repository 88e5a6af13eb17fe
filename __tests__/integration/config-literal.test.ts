import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthToDisk } from '../../synth-to-disk';
import { HOSTILE, HOSTILE_GROUP, HOSTILE_PRIVILEGED_GROUP, hostileConfig } from '../support/hostile-config';

/** A string leaf of a synthesized stack: where it is, and its text as Terraform reads it (a template). */
interface Leaf {
  readonly stack: string;
  readonly path: string[];
  readonly template: string;
}

// Text that shows config text was evaluated rather than kept: what the markers below would turn into.
const MARKERS = ['path.cwd', 'hostname', 'if true', 'PrincipalTag', 'secret-file'];

function leaves(stack: string, value: unknown, path: string[] = []): Leaf[] {
  // CDKTF's metadata (construct paths) is no argument.
  if (path.at(-1) === '//') return [];
  if (typeof value === 'string') return MARKERS.some((m) => value.includes(m)) ? [{ stack, path, template: value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(stack, item, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(stack, item, [...path, key]));
  return [];
}

/** Where a leaf is, without resource names and list positions: "resource.aws_ssoadmin_permission_set.description". */
const kindOf = (leaf: Leaf) => [leaf.path[0], leaf.path[1], ...leaf.path.slice(3).filter((p) => !/^\d+$/.test(p))].join('.');

/**
 * Terraform's own reading of each template: `terraform console` in a folder whose only configuration is
 * the template as a local (JSON syntax, as in cdk.tf.json). A template's references to the identity
 * store's groups (`self.groups` in a postcondition, the data source in an assignment) read `local.self`,
 * which holds the config's group names from a file, so that Terraform reads them without a template.
 * A template Terraform refuses evaluates to its error, so that a failure names it.
 */
function evaluate(templates: string[], groups: string[]): { values: unknown[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tf-literal-'));
  writeFileSync(join(dir, 'groups.json'), JSON.stringify({ groups: groups.map((name, i) => ({ display_name: name, external_ids: [{ id: `e-${i}` }], group_id: `g-${i}` })) }));
  // An empty CLI config of its own: no provider is needed, and a missing one is a warning on stdout.
  writeFileSync(join(dir, 'terraform.rc'), '');
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(dir, 'terraform.rc') };
  const values = templates.map((template) => {
    const value = template.replace(/\bself\./g, 'local.self.').replace(/\bdata\.aws_identitystore_groups\.\w+\./g, 'local.self.');
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ locals: { self: '${jsondecode(file("groups.json"))}', value } }));
    const answer = spawnSync('terraform', ['console'], { cwd: dir, input: 'base64encode(jsonencode(local.value))', env, encoding: 'utf8' });
    // The answer is the last line; a warning (e.g. a deprecated form) comes before it.
    const [last] = answer.stdout.trim().split('\n').slice(-1);
    if (answer.status !== 0 || !/^"[A-Za-z0-9+/=]*"$/.test(last)) return `<error: ${(answer.stderr + answer.stdout).replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((line) => /Error:|Warning:|^│ [A-Z]/.test(line)).join(' ')}>`;
    return JSON.parse(Buffer.from(JSON.parse(last), 'base64').toString('utf8'));
  });
  return { values, dir };
}

/**
 * The right-hand sides of the attribute lines of a cdk.tf (`cdktf synth --hcl`) that hold a marker: CDKTF's HCL
 * renderer writes one attribute a line, and refused text with line breaks never reaches it (constructs/literal.ts).
 */
function hclValues(hcl: string): string[] {
  return hcl
    .split('\n')
    .filter((line) => MARKERS.some((m) => line.includes(m)))
    .map((line) => /^\s*"?[\w-]+"?\s*=\s*(.*)$/.exec(line)?.[1] ?? line);
}

/** Terraform's reading of HCL expressions, all in one `terraform console` (an error names its line), with `self` as in evaluate. */
function evaluateHcl(expressions: string[], groups: string[]): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'tf-literal-hcl-'));
  writeFileSync(join(dir, 'groups.json'), JSON.stringify({ groups: groups.map((name, i) => ({ display_name: name, external_ids: [{ id: `e-${i}` }], group_id: `g-${i}` })) }));
  writeFileSync(join(dir, 'terraform.rc'), '');
  const values = expressions.map((e) => e.replace(/\bself\./g, 'local.self.').replace(/\bdata\.aws_identitystore_groups\.\w+\./g, 'local.self.'));
  writeFileSync(join(dir, 'main.tf'), `locals {\n  self = jsondecode(file("groups.json"))\n  values = [\n${values.map((v) => `    ${v},`).join('\n')}\n  ]\n}\n`);
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(dir, 'terraform.rc') };
  const answer = spawnSync('terraform', ['console'], { cwd: dir, input: 'base64encode(jsonencode(local.values))', env, encoding: 'utf8' });
  const [last] = answer.stdout.trim().split('\n').slice(-1);
  if (answer.status !== 0 || !/^"[A-Za-z0-9+/=]*"$/.test(last)) throw new Error(`Terraform refused the HCL: ${(answer.stderr + answer.stdout).replace(/\x1b\[[0-9;]*m/g, '')}`);
  return JSON.parse(Buffer.from(JSON.parse(last), 'base64').toString('utf8'));
}

describe('config text reaches Terraform as written (Terraform language docs, "Strings and Templates")', () => {
  const secretFile = join(mkdtempSync(join(tmpdir(), 'secret-file-')), 'secret-file');
  const secret = `secret-${process.pid}-${Date.now()}`;
  writeFileSync(secretFile, secret);
  const readSecret = ` \${file("${secretFile}")}`;
  const config = hostileConfig(readSecret);
  let all: Leaf[];
  let evaluated: Map<Leaf, any>;
  let consoleDir: string;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'cdktf-literal-'));
    const stacks = synthToDisk({}, { dir, rawConfig: config });
    all = readdirSync(stacks).flatMap((stack) => leaves(stack, JSON.parse(readFileSync(join(stacks, stack, 'cdk.tf.json'), 'utf8'))));
    const result = evaluate(all.map((leaf) => leaf.template), config.groups.map((g: { displayName: string }) => g.displayName));
    evaluated = new Map(all.map((leaf, i) => [leaf, result.values[i]]));
    consoleDir = result.dir;
  });

  const valuesOf = (kind: string, stack?: string) => all.filter((leaf) => kindOf(leaf) === kind && (!stack || leaf.stack === stack)).map((leaf) => evaluated.get(leaf)!);

  it('reaches every kind of config string that enters a stack', () => {
    expect([...new Set(all.map(kindOf))].sort()).toEqual([
      'data.aws_identitystore_groups.lifecycle.postcondition.condition',
      'data.aws_identitystore_groups.lifecycle.postcondition.error_message',
      'data.azuread_application_template.display_name',
      'resource.aws_identitystore_user.display_name',
      'resource.aws_identitystore_user.name.family_name',
      'resource.aws_identitystore_user.name.given_name',
      'resource.aws_ssoadmin_account_assignment.principal_id',
      'resource.aws_ssoadmin_permission_set.description',
      'resource.aws_ssoadmin_permission_set.relay_state',
      'resource.aws_ssoadmin_permission_set_inline_policy.inline_policy',
      'resource.azuread_group.description',
      'resource.azuread_group.display_name',
      'resource.azuread_privileged_access_group_eligibility_schedule.justification',
      'resource.azuread_user.department',
      'resource.azuread_user.display_name',
      'resource.azuread_user.given_name',
      'resource.azuread_user.surname',
      'resource.terraform_data.input.groups.displayName',
      'resource.terraform_data.input.justification',
      'resource.terraform_data.triggers_replace.groups.displayName',
    ]);
  });

  it('evaluates nothing: no file read, no path, no directive applied, no policy variable resolved', () => {
    // file() keeps the file's line break: the host name followed by it is what a read would leave.
    const hostname = existsSync('/etc/hostname') ? readFileSync('/etc/hostname', 'utf8') : secret;
    for (const value of evaluated.values()) {
      expect(String(value)).not.toContain(secret);
      expect(String(value)).not.toContain(consoleDir);
      expect(String(value)).not.toContain(hostname);
    }
  });

  it('gives AWS the permission set exactly as written: description, relay state, inline policy with its IAM policy variables', () => {
    const [permissionSet] = config.identityCenter.permissionSets;
    expect(valuesOf('resource.aws_ssoadmin_permission_set.description')).toEqual([permissionSet.description, permissionSet.description]);
    expect(valuesOf('resource.aws_ssoadmin_permission_set.relay_state')).toEqual([permissionSet.relayState, permissionSet.relayState]);
    for (const policy of valuesOf('resource.aws_ssoadmin_permission_set_inline_policy.inline_policy')) expect(JSON.parse(policy)).toEqual(permissionSet.inlinePolicy);
    expect(JSON.stringify(permissionSet.inlinePolicy)).toContain(HOSTILE.policyVariable);
  });

  it('gives Identity Center and Entra the people and groups exactly as written', () => {
    const nikki = config.users[0];
    expect(valuesOf('resource.aws_identitystore_user.display_name')).toEqual([nikki.displayName, nikki.displayName]);
    expect(valuesOf('resource.aws_identitystore_user.name.given_name')).toEqual([nikki.givenName, nikki.givenName]);
    expect(valuesOf('resource.aws_identitystore_user.name.family_name')).toEqual([nikki.familyName, nikki.familyName]);
    const people = (field: string) => config.users.map((u: Record<string, string>) => u[field]).sort();
    expect(valuesOf('resource.azuread_user.display_name').sort()).toEqual(people('displayName'));
    expect(valuesOf('resource.azuread_user.given_name').sort()).toEqual(people('givenName'));
    expect(valuesOf('resource.azuread_user.surname').sort()).toEqual(people('familyName'));
    expect(valuesOf('resource.azuread_user.department').sort()).toEqual(people('department'));
    const groups = config.groups.map((g: { displayName: string }) => g.displayName).sort();
    expect(valuesOf('resource.azuread_group.display_name').sort()).toEqual(groups);
    expect(valuesOf('resource.azuread_group.description').sort()).toEqual(config.groups.map((g: { description: string }) => g.description).sort());
    expect(valuesOf('data.azuread_application_template.display_name')).toEqual([config.entra.galleryTemplateName]);
    // The federation link hands the group names to the scripts (FEDERATION_INPUT); PIM's justification names the group.
    expect(new Set(valuesOf('resource.terraform_data.input.groups.displayName'))).toEqual(new Set(groups));
    expect(new Set(valuesOf('resource.terraform_data.triggers_replace.groups.displayName'))).toEqual(new Set(groups));
    const justification = `Eligible for ${HOSTILE_PRIVILEGED_GROUP} by config.ts (pim.privilegedGroups)`;
    expect(new Set([...valuesOf('resource.terraform_data.input.justification'), ...valuesOf('resource.azuread_privileged_access_group_eligibility_schedule.justification')])).toEqual(new Set([justification]));
  });

  it('looks the groups up in the identity store by the names as written', () => {
    // Each postcondition finds its group in a store that holds every config group once, and names it as written.
    for (const stack of ['aws-commercial-access', 'aws-govcloud-access']) {
      expect(valuesOf('data.aws_identitystore_groups.lifecycle.postcondition.condition', stack)).toEqual([true, true]);
      const messages = valuesOf('data.aws_identitystore_groups.lifecycle.postcondition.error_message', stack);
      expect(messages).toEqual([expect.stringContaining(`Group ${JSON.stringify(HOSTILE_GROUP)} is not`), expect.stringContaining(`Group ${JSON.stringify(HOSTILE_PRIVILEGED_GROUP)} is not`)]);
      // The assignments' principal is the id of the group of that name (g-0, g-1 in the file above).
      expect(valuesOf('resource.aws_ssoadmin_account_assignment.principal_id', stack).sort()).toEqual(['g-0', 'g-1']);
    }
  });

  // The way out of CDKTF (docs/leaving-cdktf.md): CDKTF's HCL renderer escapes strings otherwise than JSON needs.
  it('reads the same in the HCL of cdktf synth --hcl: every value, as Terraform reads it, is the JSON synth\'s', () => {
    const hclStacks = synthToDisk({ SYNTH_HCL_OUTPUT: 'true' }, { dir: mkdtempSync(join(tmpdir(), 'cdktf-literal-hcl-')), rawConfig: config });
    const expressions = readdirSync(hclStacks).flatMap((stack) => hclValues(readFileSync(join(hclStacks, stack, 'cdk.tf'), 'utf8')));
    const groups = config.groups.map((g: { displayName: string }) => g.displayName);
    const canonical = (values: unknown[]) => values.map((v) => JSON.stringify(v)).sort();
    expect(canonical(evaluateHcl(expressions, groups))).toEqual(canonical([...evaluated.values()]));
  });

  it('refuses, in cdktf synth --hcl only, config text with a line break, which CDKTF would write as a heredoc with one more', () => {
    const multiLine = hostileConfig();
    multiLine.identityCenter.permissionSets[0].description = 'two\nlines';
    expect(() => synthToDisk({ SYNTH_HCL_OUTPUT: 'true' }, { rawConfig: multiLine })).toThrow(/"two\\nlines" has a line break, which cdktf synth --hcl cannot write exactly/);
    expect(() => synthToDisk({}, { rawConfig: multiLine })).not.toThrow();
  });
});
