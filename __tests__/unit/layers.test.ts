import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * No layer imports a layer above it. Bottom to top: app-config/ (and config.ts, the config it
 * validates); app-model/, what both sides need (stack names and order, account reach, the FIPS rule,
 * the step catalog, the federation input, state keys, the retired-stack guard); then constructs/ <
 * stacks/ < main.ts on the Terraform side, and scripts/ (steps, clients, commands) beside them,
 * which imports neither constructs/ nor stacks/ nor main.ts, as constructs/ and stacks/ never import scripts/.
 * Type-only imports count: a layer that names another's types depends on it.
 */
const root = resolve(__dirname, '../..');

type Layer = 'app-config' | 'app-model' | 'constructs' | 'stacks' | 'scripts' | 'app' | 'local' | 'tests';

const MAY_IMPORT: Partial<Record<Layer, readonly Layer[]>> = {
  'app-config': ['app-config'],
  'app-model': ['app-config', 'app-model'],
  constructs: ['app-config', 'app-model', 'constructs'],
  stacks: ['app-config', 'app-model', 'constructs', 'stacks'],
  scripts: ['app-config', 'app-model', 'scripts'],
};

/** The layer of a file of this repository, by its path from the root (an import's path has no extension). */
export function layerOf(path: string): Layer {
  const [top, ...rest] = path.split(sep);
  if (rest.length === 0) return top.replace(/\.ts$/, '') === 'config' ? 'app-config' : 'app';
  if (top === '__tests__') return 'tests';
  if (top in MAY_IMPORT) return top as Layer;
  return 'local';
}

/** Every module specifier a file names: import and export declarations, import = require, require() and import(). */
export function importsOf(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) found.push(node.moduleReference.expression.text);
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const tsFilesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFilesUnder(path);
    return name.endsWith('.ts') ? [path] : [];
  });

/** "file → import (layer → layer)" for each import of a file in a checked layer that its layer may not make. */
export function upwardImports(files: readonly string[]): string[] {
  return files.flatMap((file) => {
    const from = layerOf(relative(root, file));
    const allowed = MAY_IMPORT[from] ?? [];
    return importsOf(file, readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .flatMap((specifier) => {
        const to = layerOf(relative(root, resolve(dirname(file), specifier)));
        return allowed.includes(to) ? [] : [`${relative(root, file)} → ${specifier} (${from} → ${to})`];
      });
  });
}

const CHECKED = ['app-config', 'app-model', 'constructs', 'stacks', 'scripts'];

describe('layers', () => {
  it('no file of app-config/, app-model/, constructs/, stacks/ or scripts/ imports a layer above it', () => {
    const files = [join(root, 'config.ts'), ...CHECKED.filter((dir) => statSync(join(root, dir), { throwIfNoEntry: false })?.isDirectory()).flatMap((dir) => tsFilesUnder(join(root, dir)))];
    expect(files.length).toBeGreaterThan(50);
    expect(upwardImports(files)).toEqual([]);
  });

  it('finds imports of every form, type-only ones included', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export { c } from './c';",
      "export * from './d';",
      "import e = require('./e');",
      "const f = require('./f');",
      "const g = import('./g');",
      "import 'h';",
    ].join('\n');
    expect(importsOf('x.ts', text)).toEqual(['./a', '../b', './c', './d', './e', './f', './g', 'h']);
  });

  it('places each folder in its layer and refuses an import upward', () => {
    expect(['config.ts', 'config', 'main.ts', join('app-config', 'schema.ts'), join('app-model', 'stacks.ts'), join('constructs', 'literal.ts'), join('scripts', 'ci', 'cli.ts'), join('local', 'rehearsal', 'run.ts')].map(layerOf)).toEqual([
      'app-config', 'app-config', 'app', 'app-config', 'app-model', 'constructs', 'scripts', 'local',
    ]);
    const allowed = (from: Layer, to: Layer) => (MAY_IMPORT[from] ?? []).includes(to);
    expect(allowed('scripts', 'constructs')).toBe(false);
    expect(allowed('constructs', 'scripts')).toBe(false);
    expect(allowed('stacks', 'scripts')).toBe(false);
    expect(allowed('scripts', 'app')).toBe(false);
    expect(allowed('app-config', 'app-model')).toBe(false);
    expect(allowed('stacks', 'constructs')).toBe(true);
  });
});
