/**
 * Finds, with the TypeScript parser, every cloud call the federation scripts can make: AWS SDK
 * commands, console-only operations and Microsoft Graph requests. The permission files are built
 * from what this finds, so a new call cannot be added without its permission.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface AwsCall {
  /** The SDK package ("@aws-sdk/client-sso-admin") or the console service ("appsauth"). */
  readonly service: string;
  readonly operation: string;
  readonly file: string;
}

export interface GraphCall {
  readonly method: string;
  /** The Graph path, each interpolated id as {id}. */
  readonly path: string;
  readonly file: string;
}

// The console services of scripts/clients/signed-json-client.ts, by the constant that names them.
const CONSOLE_SERVICES: Record<string, string> = { APPS_AUTH: 'appsauth', IDENTITY_STORE_PROVISIONING: 'identitystore-provisioning' };
const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Identifiers imported from AWS SDK client packages, with their package. */
function sdkImports(source: ts.SourceFile): Map<string, string> {
  const imported = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const from = statement.moduleSpecifier.text;
    const names = statement.importClause?.namedBindings;
    if (!from.startsWith('@aws-sdk/client-') || !names || !ts.isNamedImports(names)) continue;
    names.elements.forEach((element) => imported.set(element.name.text, from));
  }
  return imported;
}

/** `/servicePrincipals/${id}/x` → `/servicePrincipals/{id}/x`. */
function pathOf(node: ts.Expression): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((span) => `{id}${span.literal.text}`).join('');
  return undefined;
}

/**
 * The `api(path)` call a request chain such as `c.api(p).select(s).get()` or, through the Graph
 * client's retrying wrapper, `api(p).select(s).get()` starts from.
 */
function graphPathOfChain(node: ts.Expression): string | undefined {
  let current: ts.Expression = node;
  while (ts.isCallExpression(current)) {
    const callee = current.expression;
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
    if (name === 'api' && current.arguments[0]) return pathOf(current.arguments[0]);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    current = callee.expression;
  }
  return undefined;
}

export function scanScripts(root: string, dir = join(root, 'scripts')): { aws: AwsCall[]; graph: GraphCall[] } {
  const aws: AwsCall[] = [];
  const graph: GraphCall[] = [];
  for (const path of sourceFiles(dir)) {
    const file = relative(root, path);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const imported = sdkImports(source);
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text.endsWith('Command') && imported.has(node.expression.text)) {
        aws.push({ service: imported.get(node.expression.text)!, operation: node.expression.text.replace(/Command$/, ''), file });
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const [first, second] = node.arguments;
        const name = node.expression.name.text;
        if (name === 'call' && first && ts.isIdentifier(first) && CONSOLE_SERVICES[first.text] && second && ts.isStringLiteral(second)) {
          aws.push({ service: CONSOLE_SERVICES[first.text], operation: second.text, file });
        }
        const path = HTTP_METHODS.has(name) ? graphPathOfChain(node.expression.expression) : undefined;
        if (path) graph.push({ method: name.toUpperCase(), path, file });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { aws, graph };
}
