/**
 * The markers CDKTF encodes string, list and map tokens with (BEGIN_*_TOKEN_MARKER in
 * node_modules/cdktf/lib/tokens/private/encoding.js). Config text holding one is refused by the
 * schema (app-config/schema.ts) and by `literal` (constructs/literal.ts).
 */
export const CDKTF_TOKEN_MARKER = /[$#&]\{TfToken\[/;
