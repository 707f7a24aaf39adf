// The core, wired as src/app.ts wires it but with a test clock and the refusal log kept in memory, over
// a real SQLite store (a temp file, so WAL and the pragmas are those of production).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CoreSettings } from '../../src/bot/catalog.js';
import { type CommandService, createCommandHandler, type Outcome } from '../../src/bot/handle-command.js';
import type { Store } from '../../src/bot/ports.js';
import type { Actor, AuditEntry } from '../../src/bot/types.js';
import { openStore } from '../../src/store/sqlite-store.js';
import { testSettings } from './settings.js';

export const ops: Actor = { platform: 'shell', id: 'ops', name: 'ops' };

export function tempDir(prefix = 'herald-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestCore {
  store: Store;
  refusals: AuditEntry[];
  dir: string;
  /** Sets the test clock: an ISO string or epoch ms. */
  setNow(at: string | number): void;
  now(): number;
  run(text: string, actor?: Actor): Outcome;
  /** The whole command service: handle, preview, confirm, cancel. */
  service: CommandService;
  close(): void;
}

export function createTestCore(options: { settings?: CoreSettings; now?: string } = {}): TestCore {
  const dir = tempDir();
  const store = openStore(path.join(dir, 'herald.db'));
  const refusals: AuditEntry[] = [];
  let now = Date.parse(options.now ?? '2012-07-27T21:39:27Z');
  const service = createCommandHandler({
    store,
    settings: options.settings ?? testSettings,
    clock: { now: () => now },
    refusals: { append: (e) => refusals.push(e) },
  });
  return {
    store,
    refusals,
    dir,
    setNow(at) {
      now = typeof at === 'number' ? at : Date.parse(at);
    },
    now: () => now,
    run: (text, actor = ops) => service.handle({ text, actor }),
    service,
    close() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Narrows an outcome to a recorded one, failing the test with the refusal's words otherwise. */
export function recorded(outcome: Outcome): Extract<Outcome, { kind: 'recorded' }> {
  if (outcome.kind !== 'recorded') {
    throw new Error(`expected the command to be recorded, got ${outcome.kind}: ${JSON.stringify(outcome)}`);
  }
  return outcome;
}
