import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingTools } from '../../local/harness/tools';

describe('the tools the integration tiers need', () => {
  // The unit tier runs where neither tool is installed: these tests give the environment explicitly.
  it('checks the provider mirror on the filesystem, whatever the environment', () => {
    expect(() => missingTools(['mirror'], { PATH: '' })).not.toThrow();
  });

  it('reports both missing when PATH holds neither', () => {
    const env = { PATH: mkdtempSync(join(tmpdir(), 'empty-path-')) };
    expect(missingTools(['terraform', 'moto_server'], env)).toEqual(['terraform', 'moto_server']);
  });

  it('reports moto missing when a moto_server command exists but python3 cannot import moto (a pipx install)', () => {
    const bin = mkdtempSync(join(tmpdir(), 'pipx-like-'));
    for (const [name, body] of [['moto_server', 'exit 0'], ['python3', 'exit 1']]) {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    expect(missingTools(['moto_server'], { PATH: bin })).toEqual(['moto_server']);
  });
});
