// Refused and failed commands, one JSON line each, appended to a file beside the database. They are
// audited here and not in the database, because a refused command must leave the database untouched.

import fs from 'node:fs';
import path from 'node:path';
import type { RefusalLog } from '../bot/ports.js';
import type { AuditEntry } from '../bot/types.js';

/** The most of a refused text kept in a line (in UTF-16 units); `textLength` says how long it was. */
export const REFUSED_TEXT_MAX = 2_000;

export function createFileRefusalLog(file: string): RefusalLog {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return {
    append(entry: AuditEntry) {
      const { actor, text, ...rest } = entry;
      // A 3 MB refusal must not be a 3 MB line: its start is enough to recognise it, its size says the rest.
      const cut = text.length > REFUSED_TEXT_MAX;
      const line = JSON.stringify({
        ...rest,
        text: cut ? `${text.slice(0, REFUSED_TEXT_MAX)}…` : text,
        ...(cut ? { textLength: text.length, textBytes: Buffer.byteLength(text) } : {}),
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
