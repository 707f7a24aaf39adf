// The project stands alone: every relative link in README.md and docs/ (Markdown links and images, and
// paths written as `../x` in code spans), and every other Markdown file the text names, is a file in
// the repository (tracked by git), not one beside the checkout.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/cli.js';

const tracked = new Set(
  execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean),
);
const isTrackedPath = (rel: string) =>
  tracked.has(rel) || [...tracked].some((file) => file.startsWith(`${rel.replace(/\/$/, '')}/`));

const docs = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Relative targets a Markdown file points to, with the line each is on. */
function targetsOf(text: string): Array<{ target: string; line: number; kind: string }> {
  const found: Array<{ target: string; line: number; kind: string }> = [];
  text.split('\n').forEach((line, i) => {
    const add = (target: string, kind: string) => found.push({ target, line: i + 1, kind });
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      add(m[1] as string, 'link');
    for (const m of line.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/g)) add(m[1] as string, 'link');
    for (const m of line.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)) add(m[1] as string, 'link');
    // A path out of the doc's folder in a code span (`../shared/x`); `./data` and the like are runtime folders.
    for (const m of line.matchAll(/`(\.\.\/[^`\s]+)`/g)) add(m[1] as string, 'path');
    // A Markdown file named in the text (`DESIGN.md`, docs/x.md): not an absolute path or a URL's.
    for (const m of line.matchAll(/(?<![\w/:.-])([\w-]+(?:\/[\w-]+)*\.md)\b/g)) add(m[1] as string, 'name');
  });
  return found.filter(({ target }) => !/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(target));
}

/** The target as a path inside the repository, or null if it leaves it. */
function resolve(doc: string, target: string, kind: string): string[] {
  const clean = decodeURIComponent(target.replace(/[#?].*$/, ''));
  const candidates = [path.join(path.dirname(doc), clean)];
  // A file named in prose may be named from the root (docs/x.md) or beside the doc (x.md).
  if (kind === 'name') candidates.push(clean);
  return candidates.map((c) => path.normalize(c));
}

describe('the documentation', () => {
  it('links only to files in the repository', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const doc of docs) {
      for (const { target, line, kind } of targetsOf(fs.readFileSync(path.join(root, doc), 'utf8'))) {
        checked++;
        const options = resolve(doc, target, kind);
        if (!options.some((p) => !p.startsWith('..') && isTrackedPath(p)))
          broken.push(`${doc}:${line}: ${target} (${kind})`);
      }
    }
    expect(broken).toEqual([]);
    // The scan found the links there are (README alone links to a dozen docs).
    expect(checked).toBeGreaterThan(50);
  });
});
