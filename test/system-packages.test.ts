// A machine without one of the Debian packages the suite drives: `vitest run` stops before any test, with
// one line per missing package naming what to apt-get install (test/system-packages.setup.ts). Driven as
// a developer runs it, with the packages' places pointed at a python without prometheus_client and at
// programs that are not there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './helpers/cli.js';
import { tempDir } from './helpers/core.js';
import { missingSystemPackages } from './helpers/system-packages.js';

describe('the system packages the suite needs', { timeout: 120_000 }, () => {
  const dir = tempDir('herald-nopkg-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are all on this machine', () => {
    expect(missingSystemPackages()).toEqual([]);
  });

  it('missing: one line each naming the apt package, at once, and no test runs', () => {
    // Debian's python, as a machine without python3-prometheus-client has it.
    const python = path.join(dir, 'python3');
    fs.writeFileSync(
      python,
      '#!/bin/sh\ncase "$2" in *prometheus_client*) echo "ModuleNotFoundError: No module named \'prometheus_client\'" >&2; exit 1;; esac\nexec /usr/bin/python3 "$@"\n',
      { mode: 0o755 },
    );
    const { CI: _ci, ...env } = process.env;
    const r = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/docs-links.test.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...env,
          HERALD_TEST_PYTHON: python,
          HERALD_TEST_CHROMIUM: path.join(dir, 'chromium'),
          HERALD_TEST_NGINX: path.join(dir, 'nginx'),
          HERALD_TEST_ALERTMANAGER: path.join(dir, 'prometheus-alertmanager'),
        },
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      [
        'missing system package: apt-get install chromium',
        'missing system package: apt-get install python3-prometheus-client',
        'missing system package: apt-get install nginx',
        'missing system package: apt-get install prometheus-alertmanager',
        '(.ci/run installs every one)',
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toMatch(/Test Files|✓|ModuleNotFoundError/);
  });
});
