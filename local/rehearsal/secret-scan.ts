/**
 * The rehearsal's secret scan: every secret the emulators handed out or received (SCIM tokens, the
 * Entra users' initial passwords) and any private key must be absent from what the product leaves
 * behind or shows: its output, Terraform state and backups, deploy records, temp files, and the
 * environments of the processes it starts. The scan reads the values themselves, never a pattern
 * of what a token might look like.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Secret {
  readonly what: string;
  readonly value: string;
}

export interface ScanSource {
  readonly name: string;
  readonly text: string;
}

export interface Leak {
  readonly source: string;
  readonly what: string;
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
// Provider binaries and plugin caches are large and hold no secret of ours.
const SKIPPED_DIRS = new Set(['.terraform', 'plugin-cache', 'node_modules']);
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Where each secret, or a private key, appears. */
export function findLeaks(secrets: readonly Secret[], sources: readonly ScanSource[]): Leak[] {
  const leaks: Leak[] = [];
  for (const source of sources) {
    for (const secret of secrets) if (secret.value && source.text.includes(secret.value)) leaks.push({ source: source.name, what: secret.what });
    if (PRIVATE_KEY.test(source.text)) leaks.push({ source: source.name, what: 'a private key' });
  }
  return leaks;
}

/** Every file under a folder, as text, named by its path inside the folder. */
export function filesUnder(dir: string, root = dir): ScanSource[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : filesUnder(path, root);
    if (!entry.isFile() || statSync(path).size > MAX_FILE_BYTES) return [];
    return [{ name: relative(root, path), text: readFileSync(path, 'latin1') }];
  });
}
