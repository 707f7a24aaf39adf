// `herald doctor`'s checks that nothing is in the way of a `herald start`: another Herald already running on
// the data folder (known by the lock file it holds, src/ops/data-lock.ts, with its pid), and the configured
// port already taken (found by binding it and letting go at once). Each is a problem with its fix.

import type { Config } from '../config.js';
import { LOCK_FILE, runningHolder } from '../ops/data-lock.js';
import { checkPort } from '../ops/port-check.js';
import type { Check } from './check.js';

function checkRunningHerald(dataDir: string, pid: number | null): Check {
  if (pid === null) return { name: 'running herald', status: 'ok', detail: `none on ${dataDir}` };
  return {
    name: 'running herald',
    status: 'fail',
    detail: `a Herald is already running on ${dataDir} (pid ${pid}): a second herald start there is refused`,
    fix:
      `stop it first (kill ${pid}; or systemctl stop herald if it runs as a service), or give this one ` +
      `another HERALD_DATA_DIR. If pid ${pid} is not Herald, remove ${dataDir}/${LOCK_FILE}`,
  };
}

async function checkHttpPort(host: string, port: number, runningPid: number | null): Promise<Check> {
  if (port === 0)
    return { name: 'port', status: 'off', detail: 'HERALD_PORT=0: any free port, chosen at start' };
  const found = await checkPort(host, port);
  if (found.free) return { name: 'port', status: 'ok', detail: `${host}:${port} is free` };
  const holder = runningPid === null ? '' : ` (the Herald with pid ${runningPid} most likely)`;
  const taken =
    found.code === 'EADDRINUSE'
      ? `${host}:${port} is taken by another program${holder}`
      : `${host}:${port} cannot be used (${found.code})`;
  const fix =
    found.code === 'EACCES'
      ? `ports below 1024 need privileges: set HERALD_PORT to 1024 or above (docs/deploy.md puts nginx in front)`
      : `stop what listens there (ss -ltnp 'sport = :${port}' names it), or set HERALD_PORT (or HERALD_HOST) to a free one`;
  return { name: 'port', status: 'fail', detail: taken, fix };
}

/** A Herald already running on the data folder, then the port (naming that Herald if it is the likely holder). */
export async function checkNothingInTheWay(config: Config): Promise<Check[]> {
  const pid = runningHolder(config.paths.dataDir);
  return [
    checkRunningHerald(config.paths.dataDir, pid),
    await checkHttpPort(config.http.host, config.http.port, pid),
  ];
}
