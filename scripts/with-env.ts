/** Runs `body` with environment variables set (undefined removes one), restoring them afterwards. */
export function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) =>
    Object.entries(values).forEach(([k, v]) => (v === undefined ? delete process.env[k] : (process.env[k] = v)));
  apply(vars);
  try {
    return body();
  } finally {
    apply(saved);
  }
}
