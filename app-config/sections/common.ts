/** What the sections of the config schema (app-config/sections/) share: how a problem is reported. */
import { z } from 'zod';
import { CDKTF_TOKEN_MARKER } from '../cdktf-token';
import type { AppConfig } from '../schema';

/** The whole parsed config, for the checks that span sections (run by app-config/schema.ts). */
export type Config = AppConfig;

export const issue = (ctx: z.RefinementCtx, path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

/**
 * CDKTF replaces `${TfToken[…]}` (and its list and map forms) in any string by one of its tokens, so config
 * text holding one would deploy a reference instead of the text; every other character reaches Terraform
 * as written (constructs/literal.ts).
 */
export function reportTokenMarkers(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value === 'string') {
    const marker = CDKTF_TOKEN_MARKER.exec(value)?.[0];
    if (marker) issue(ctx, path, `remove "${marker}": CDKTF reads it as one of its own tokens and would put a reference where the text was`);
  } else if (Array.isArray(value)) value.forEach((item, i) => reportTokenMarkers(item, [...path, i], ctx));
  else if (value && typeof value === 'object') {
    // Keys too: a policy Condition's keys are text of the policy.
    Object.entries(value).forEach(([key, item]) => {
      reportTokenMarkers(key, [...path, key], ctx);
      reportTokenMarkers(item, [...path, key], ctx);
    });
  }
}

export function requireExactlyOne(entry: Record<string, unknown>, names: string[], ctx: z.RefinementCtx): void {
  if (names.filter((name) => entry[name] !== undefined).length !== 1) {
    ctx.addIssue({ code: 'custom', message: `give exactly one of ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` });
  }
}

export function reportDuplicates(values: string[], path: (string | number)[], what: string, ctx: z.RefinementCtx): void {
  values.forEach((value, i) => {
    if (values.indexOf(value) !== i) {
      ctx.addIssue({ code: 'custom', path: [...path, i], message: `duplicate ${what} "${value}"; each must appear once` });
    }
  });
}
