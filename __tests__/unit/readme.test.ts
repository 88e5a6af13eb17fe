import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { LOOKUP_STEP, OPERATE_STEPS, POST_APPLY_STEPS, PRE_DESTROY_STEPS } from '../../app-model/steps';

const root = resolve(__dirname, '../..');
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');
const readme = read('README.md');

/** README.md and every Markdown file under docs/, as paths relative to the project root. */
function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(resolve(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : [],
    );
  return ['README.md', ...walk('docs')];
}

/** Text outside fenced code blocks and inline code, where Markdown makes links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Every `npm run <script>` (with or without --silent), in code as in prose. */
export function npmRunScripts(markdown: string): string[] {
  return [...markdown.matchAll(/\bnpm run\s+(?:--silent\s+)?([a-z][\w-]*(?::[\w-]+)*)/g)].map((m) => m[1]);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/**
 * The relative links of one Markdown file that lead nowhere: a path (anchor removed) that is not a file or
 * folder of the repository, or an anchor that is not a heading of the file it names. `exists` and `readTarget`
 * are the file system's unless a test gives its own.
 */
export function brokenLinks(
  file: string,
  markdown: string,
  exists: (path: string) => boolean = (path) => existsSync(resolve(root, path)),
  readTarget: (path: string) => string = (path) => read(path),
): string[] {
  const broken: string[] = [];
  for (const [, target] of prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    const [path, anchor] = target.split('#', 2);
    const resolved = path ? relative(root, resolve(root, dirname(file), decodeURIComponent(path))) : file;
    if (resolved.startsWith('..') || !exists(resolved)) {
      broken.push(`${file}: ${target} (no file ${resolved})`);
      continue;
    }
    if (anchor && resolved.endsWith('.md') && !headingAnchors(readTarget(resolved)).has(anchor.toLowerCase())) {
      broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
    }
  }
  return broken;
}

describe('README', () => {
  it('opens with the main job and the test command that .ci/run runs after npm ci', () => {
    const [main, tests] = [...readme.matchAll(/^npm ci && (npm \w+)/gm)].map((m) => m[1]);
    expect([main, tests]).toEqual(['npm start', 'npm test']);
    const commands = read('.ci/run').split('\n').filter((line) => /^npm /.test(line));
    expect(commands).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
  });

  it('stays a front door: a few hundred lines, the details in docs/', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });
});

describe('README.md, steps that are not pure Terraform', () => {
  it('lists every step that is not pure Terraform, with why, in its table', () => {
    const steps = read('README.md');
    for (const step of [LOOKUP_STEP, ...POST_APPLY_STEPS, ...PRE_DESTROY_STEPS, ...OPERATE_STEPS]) {
      expect(steps).toContain(`| ${step.label} |`);
      expect(steps).toContain(step.why.replace(/(azuread_\w+|preferredTokenSigningKeyThumbprint)/g, '`$1`'));
    }
  });
});

describe('README.md and docs/', () => {
  const files = markdownFiles();
  const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>);

  it('name only npm scripts that package.json has', () => {
    const unknown = files.flatMap((file) => npmRunScripts(read(file)).filter((s) => !scripts.includes(s)).map((s) => `${file}: npm run ${s}`));
    expect(unknown).toEqual([]);
  });

  it('link only to files of this repository that exist, and to headings they have', () => {
    expect(files.flatMap((file) => brokenLinks(file, read(file)))).toEqual([]);
  });

  it('the link check finds a broken link, a missing heading and a path outside the repository', () => {
    const files: Record<string, string> = { 'docs/a.md': '# A\n## Who has access\n', 'README.md': '# R\n' };
    const exists = (path: string) => path in files || path === 'docs';
    const readTarget = (path: string) => files[path];
    const check = (markdown: string) => brokenLinks('README.md', markdown, exists, readTarget);
    expect(check('[a](docs/a.md) [b](docs/a.md#who-has-access) [c](#r) [d](https://example.com/x.md) [e](docs/)')).toEqual([]);
    expect(check('see [gone](docs/gone.md)')).toEqual(['README.md: docs/gone.md (no file docs/gone.md)']);
    expect(check('see [old](docs/a.md#state)')).toEqual(['README.md: docs/a.md#state (no heading #state in docs/a.md)']);
    expect(check('[up](../outside.md)')).toHaveLength(1);
    expect(check('`[not a link](nowhere.md)` and\n```\n[nor this](nowhere.md)\n```')).toEqual([]);
  });

  it('the script check reads npm run with and without --silent', () => {
    expect(npmRunScripts('npm run deploy; `npm run --silent ci -- stacks`; npm run bench:scale -- --full; `npm run elevate`: no role')).toEqual(['deploy', 'ci', 'bench:scale', 'elevate']);
  });
});
