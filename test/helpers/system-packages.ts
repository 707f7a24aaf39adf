// The Debian packages the suite drives for real (a browser, a feed reader, Prometheus's parser, nginx and
// Alertmanager), checked once before any test runs (test/system-packages.setup.ts): a machine without one
// gets one line naming the apt package at once, instead of a bare ModuleNotFoundError or a 30 s timeout in
// the middle of the run. .ci/run installs them all.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where each is looked for. HERALD_TEST_* variables point elsewhere: for the test of this check. */
export interface SystemProbe {
  python: string;
  chromium: string;
  nginx: string[];
  alertmanager: string;
}

export function probeFromEnv(env: NodeJS.ProcessEnv = process.env): SystemProbe {
  const pathDirs = (env.PATH ?? '').split(':').filter(Boolean);
  return {
    python: env.HERALD_TEST_PYTHON ?? '/usr/bin/python3',
    chromium: env.HERALD_TEST_CHROMIUM ?? '/usr/bin/chromium',
    nginx: env.HERALD_TEST_NGINX
      ? [env.HERALD_TEST_NGINX]
      : [...pathDirs, '/usr/sbin', '/usr/local/sbin'].map((d) => path.join(d, 'nginx')),
    alertmanager: env.HERALD_TEST_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager',
  };
}

const executable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

const pythonImports = (python: string, module: string): boolean =>
  spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

/** The apt packages that are missing, in the order .ci/run installs them. */
export function missingSystemPackages(probe: SystemProbe = probeFromEnv()): string[] {
  const missing: string[] = [];
  if (!executable(probe.chromium)) missing.push('chromium');
  if (!executable(probe.python) || !pythonImports(probe.python, 'feedparser'))
    missing.push('python3-feedparser');
  if (!executable(probe.python) || !pythonImports(probe.python, 'prometheus_client'))
    missing.push('python3-prometheus-client');
  if (!probe.nginx.some(executable)) missing.push('nginx');
  if (!executable(probe.alertmanager)) missing.push('prometheus-alertmanager');
  return missing;
}

export const missingLine = (pkg: string) => `missing system package: apt-get install ${pkg}`;
