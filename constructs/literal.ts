import { CDKTF_TOKEN_MARKER } from '../app-config/cdktf-token';

/**
 * Config text as a Terraform literal. Every string argument in Terraform's JSON syntax is a template:
 * `${…}` is an interpolation and `%{…}` a directive, so a description holding `${file("…")}` would
 * put a file of the deployer's machine into AWS, and an inline policy's `${aws:PrincipalTag/Department}`
 * (an IAM policy variable) would fail to parse. `$${` and `%%{` are their literal forms (Terraform
 * language docs, "Strings and Templates"; "JSON Configuration Syntax": string values are templates).
 *
 * Wherever config text becomes a Terraform argument it goes through `literal` (or `hclString` inside an
 * expression the code builds), and nowhere else: code-built expressions (`${…}`) and CDKTF tokens stay
 * as they are. Two rules keep it exact under CDKTF 0.21 (node_modules/cdktf/lib/tokens/private/encoding.js):
 * - CDKTF replaces `${TfToken[KEY]}` in any string by the token KEY names, `$` before it or not, so
 *   config text holding CDKTF's token markers is refused by the schema (app-config/schema.ts) and here.
 * - In a string that also holds tokens, CDKTF reads the `${` of `$${` as the opening of an expression and
 *   writes the tokens after it without their `${…}`: a literal goes after the last token of its string,
 *   or in a string of its own.
 * Backend blocks are not templates (Terraform reads them before any expression): values written there
 * (constructs/state-backend.ts) are never escaped; the schema restricts them to characters that need none.
 */
export function literal(text: string): string {
  if (CDKTF_TOKEN_MARKER.test(text)) throw new Error(`${JSON.stringify(text)} holds a CDKTF token marker (${CDKTF_TOKEN_MARKER.source}), which CDKTF would replace: change the config text`);
  // A function replacement: in a replacement string, "$$" would stand for one "$".
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * Config text as an HCL quoted string inside an expression the code builds (`… == "name"`): JSON quoting,
 * whose escapes HCL shares except \b and \f (HCL native syntax specification, hclsyntax/spec.md, "Template
 * Expressions": \n \r \t \" \\ \uNNNN \UNNNNNNNN), then `literal`.
 */
export const hclString = (text: string): string =>
  literal(JSON.stringify(text).replace(/\\[\\bf]/g, (escape) => ({ '\\b': '\\u0008', '\\f': '\\u000c' })[escape] ?? escape));
