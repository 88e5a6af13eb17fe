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
  const template = templateLiteral(text);
  return process.env.SYNTH_HCL_OUTPUT === 'true' ? forHclRenderer(template) : template;
}

function templateLiteral(text: string): string {
  if (CDKTF_TOKEN_MARKER.test(text)) throw new Error(`${JSON.stringify(text)} holds a CDKTF token marker (${CDKTF_TOKEN_MARKER.source}), which CDKTF would replace: change the config text`);
  // A function replacement: in a replacement string, "$$" would stand for one "$".
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * `cdktf synth --hcl` (SYNTH_HCL_OUTPUT=true, the variable CDKTF's own stacks read) writes HCL with a renderer
 * (node_modules/cdktf/lib/hcl/render.js, renderString) that puts a one-line string between quotes and escapes only
 * its quotes that follow no backslash, and none at all when the string holds `${`; backslashes never. So an
 * ABAC policy (quotes and `$${aws:…}`) came out as broken HCL. A one-line literal therefore arrives with its
 * backslashes and quotes escaped (HCL's `\\` and `\"`), every quote after a backslash, which the renderer leaves
 * alone. A string of several lines becomes a heredoc, where escapes do not apply but a final line break is added
 * and a line `EOF` would end it early: such text is refused, since the HCL could not say it exactly.
 */
function forHclRenderer(text: string): string {
  if (/[\r\n]/.test(text)) {
    throw new Error(`${JSON.stringify(text)} has a line break, which cdktf synth --hcl cannot write exactly (CDKTF renders it as a heredoc, adding a final line break): use one line, or the JSON synth`);
  }
  return text.replace(/[\\"]/g, (character) => `\\${character}`);
}

/**
 * Config text as an HCL quoted string inside an expression the code builds (`… == "name"`): JSON quoting,
 * whose escapes HCL shares except \b and \f (HCL native syntax specification, hclsyntax/spec.md, "Template
 * Expressions": \n \r \t \" \\ \uNNNN \UNNNNNNNN), then the template escapes of `literal` (the HCL renderer leaves an expression as it is).
 */
export const hclString = (text: string): string =>
  templateLiteral(JSON.stringify(text).replace(/\\[\\bf]/g, (escape) => ({ '\\b': '\\u0008', '\\f': '\\u000c' })[escape] ?? escape));
