#!/usr/bin/env node
// Compiles src/ into dist/ (tsc -p tsconfig.build.json) and records when, in dist/.built. With --if-stale
// (`npm start`'s prestart, `npm install`'s prepare, `npm test`) it compiles only when something the build
// reads is newer than that record: a file or folder under src/ (a removed file changes its folder's time),
// package.json, package-lock.json, tsconfig.json or tsconfig.build.json. So the first `npm start` after a
// clone or a `git pull` builds, and the next ones start at once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist', '.built');
const INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time (ms) of `entry` and, for a folder, of everything under it. */
function newest(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  let time = stat.mtimeMs;
  if (stat.isDirectory())
    for (const name of fs.readdirSync(entry)) time = Math.max(time, newest(path.join(entry, name)));
  return time;
}

function staleBecause() {
  const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return 'dist/ has not been built';
  for (const input of ['src', ...INPUTS]) {
    if (newest(path.join(root, input)) > built) return `${input} changed since the last build`;
  }
  return null;
}

const ifStale = process.argv.includes('--if-stale');
const why = ifStale ? staleBecause() : 'asked to';
if (why === null) {
  console.log('herald: dist/ is up to date with src/ (no build needed)');
  process.exit(0);
}
console.log(`herald: building dist/ (${why})`);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// The stamp's time is taken before compiling: a source saved while tsc runs makes the next start build again.
const startedAt = new Date();
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
fs.writeFileSync(stamp, `${startedAt.toISOString()}\n`);
fs.utimesSync(stamp, startedAt, startedAt);
