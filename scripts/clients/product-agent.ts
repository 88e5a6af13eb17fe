/**
 * How the product names itself in the user agent of every call it makes (AWS SDK `app/<id>`,
 * the console APIs, Graph). Microsoft's Graph throttling guidance asks clients to decorate their
 * requests this way; it also lets an emulator tell the product's calls from a deployer's.
 */
export const PRODUCT_AGENT = 'entra-idc-federation';
