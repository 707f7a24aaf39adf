// `npm start` builds only when the sources changed (scripts/build.mjs as package.json's prestart runs it):
// in a copy of the project's build setup (package.json, tsconfig, scripts/) around a one-file src/, driven
// through npm itself. The first start builds, the second does not, and a touched or removed source builds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './helpers/cli.js';
import { tempDir } from './helpers/core.js';

function prestart(dir: string): { status: number | null; out: string } {
  const r = spawnSync('npm', ['run', 'prestart'], { cwd: dir, encoding: 'utf8', env: process.env });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('the build before npm start', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('herald-build-');
    for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs']) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(dir, file));
    }
    fs.mkdirSync(path.join(dir, 'src', 'cli'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'cli.ts'), 'export const answer: number = 42;\n');
    fs.writeFileSync(path.join(dir, 'src', 'cli', 'extra.ts'), "export const extra = 'x';\n");
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const built = () => path.join(dir, 'dist', 'cli.js');
  /** Dates a file just after the last build (dist/.built), as a save after it would, without waiting. */
  const touch = (file: string) => {
    const later = new Date(fs.statSync(path.join(dir, 'dist', '.built')).mtimeMs + 10);
    fs.utimesSync(file, later, later);
  };

  it('builds the first time, not the second, and again once a source changes or is removed', () => {
    const first = prestart(dir);
    expect(first.status, first.out).toBe(0);
    expect(first.out).toContain('herald: building dist/ (dist/ has not been built)');
    expect(fs.readFileSync(built(), 'utf8')).toContain('answer = 42');
    const builtAt = fs.statSync(built()).mtimeMs;

    const second = prestart(dir);
    expect(second.status, second.out).toBe(0);
    expect(second.out).toContain('herald: dist/ is up to date with src/ (no build needed)');
    expect(fs.statSync(built()).mtimeMs).toBe(builtAt);

    fs.writeFileSync(path.join(dir, 'src', 'cli.ts'), 'export const answer: number = 43;\n');
    touch(path.join(dir, 'src', 'cli.ts'));
    const third = prestart(dir);
    expect(third.out).toContain('herald: building dist/ (src changed since the last build)');
    expect(fs.readFileSync(built(), 'utf8')).toContain('answer = 43');

    // A removed source changes its folder's time.
    fs.rmSync(path.join(dir, 'src', 'cli', 'extra.ts'));
    touch(path.join(dir, 'src', 'cli'));
    expect(prestart(dir).out).toContain('(src changed since the last build)');
    touch(path.join(dir, 'tsconfig.json'));
    expect(prestart(dir).out).toContain('(tsconfig.json changed since the last build)');
  });

  it('a source that does not compile fails the start, and the next start tries again', () => {
    fs.writeFileSync(path.join(dir, 'src', 'cli.ts'), 'export const answer: number = "not a number";\n');
    touch(path.join(dir, 'src', 'cli.ts'));
    const broken = prestart(dir);
    expect(broken.status).not.toBe(0);
    expect(broken.out).toContain("Type 'string' is not assignable to type 'number'");
    fs.writeFileSync(path.join(dir, 'src', 'cli.ts'), 'export const answer: number = 44;\n');
    touch(path.join(dir, 'src', 'cli.ts'));
    const fixed = prestart(dir);
    expect(fixed.status, fixed.out).toBe(0);
    expect(fixed.out).toContain('herald: building dist/');
    expect(fs.readFileSync(built(), 'utf8')).toContain('answer = 44');
  });
});
