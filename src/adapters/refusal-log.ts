// Refused and failed commands, one JSON line each, appended to a file beside the database. They are
// audited here and not in the database, because a refused command must leave the database untouched.

import fs from 'node:fs';
import path from 'node:path';
import type { RefusalLog } from '../bot/ports.js';
import type { AuditEntry } from '../bot/types.js';

export function createFileRefusalLog(file: string): RefusalLog {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return {
    append(entry: AuditEntry) {
      const { actor, ...rest } = entry;
      const line = JSON.stringify({
        ...rest,
        at: new Date(entry.at).toISOString(),
        platform: actor.platform,
        actorId: actor.id,
        actorName: actor.name,
      });
      fs.appendFileSync(file, `${line}\n`, { mode: 0o640 });
    },
  };
}

export function readRefusalLog(file: string): Array<Record<string, unknown>> {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
