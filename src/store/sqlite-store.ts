// The Store port on better-sqlite3. Statements are prepared once; reads that take several queries run in
// one read transaction so they see a single snapshot; writes happen only through transact().

import path from 'node:path';
import type { Applied, Change, StateRepository, Store } from '../bot/ports.js';
import type { Incident, Post } from '../bot/types.js';
import { applyChange } from './apply-change.js';
import { createAutomationStatements } from './automation.js';
import { createSqliteImports } from './import.js';
import { createInboxStore, type InboxStore } from './inbox.js';
import {
  toAuditEntry,
  toComponent,
  toComponentKey,
  toDelivery,
  toIncident,
  toPost,
  toPostEdit,
} from './mappers.js';
import { latestSchemaVersion, migrate, SchemaTooNewError } from './migrate.js';
import { openDatabase, type SqliteDatabase } from './open-database.js';
import { createSqliteOutbox } from './outbox.js';
import { createPromiseStatements } from './promises.js';
import { createProposalStore, type ProposalStore } from './proposals.js';
import { createRequestStatements } from './requests.js';
import { prepareStatements } from './statements.js';

/** The Store port, and the chat inbox on the same connection (its rows settle in the store's transactions). */
export type SqliteStore = Store & { inbox: InboxStore; proposals: ProposalStore };

/** Opens (creating if needed) and migrates the database at `file`, and returns the store on it. */
export function openStore(file: string): SqliteStore {
  const db = openDatabase(file, { newestSchema: latestSchemaVersion() });
  try {
    migrate(db);
    return createSqliteStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

export function createSqliteStore(db: SqliteDatabase): SqliteStore {
  checkSchema(db);
  const s = prepareStatements(db);
  const run = db.transaction((fn: () => unknown) => fn());
  const read = <T>(fn: () => T): T => run.deferred(fn) as T;

  const incidentOf = (row: unknown): Incident => {
    const id = (row as { id?: unknown }).id;
    const components = typeof id === 'number' ? s.componentsOf.all(id).map(toComponentKey) : [];
    return toIncident(row, components);
  };
  const postOf = (row: unknown): Post => {
    const id = (row as { id?: unknown }).id;
    return toPost(row, typeof id === 'number' ? s.editsOf.all(id).map(toPostEdit) : []);
  };
  const maybe = <T>(row: unknown, map: (row: unknown) => T): T | undefined =>
    row === undefined ? undefined : map(row);

  const loadIncident = (id: number) => maybe(s.incident.get(id), incidentOf);

  const requests = createRequestStatements(db);
  const automation = createAutomationStatements(db);
  const incidentsSince = db.prepare<{ since: number }>(
    `SELECT * FROM incidents WHERE status IN ('open', 'scheduled', 'in_progress')
     UNION SELECT * FROM incidents WHERE closed_at >= :since
     ORDER BY opened_at DESC, id DESC`,
  );
  const reads: Pick<StateRepository, 'components' | 'activeIncidents' | 'incident' | 'post' | 'preview'> = {
    preview: requests.preview,
    components: () => s.components.all().map(toComponent),
    activeIncidents: () => read(() => s.activeIncidents.all().map(incidentOf)),
    incident: (id) => read(() => loadIncident(id)),
    post: (incidentId, number) => read(() => maybe(s.post.get(incidentId, number), postOf)),
  };
  const apply = (change: Change): Applied => run(() => applyChange(s, loadIncident, change)) as Applied;

  return {
    ...reads,
    inbox: createInboxStore(db),
    // Monitors' proposals (migration 012), on the same connection: a hook's inbox row settles with them.
    proposals: createProposalStore(db),
    outbox: createSqliteOutbox(db, s),
    prompts: automation.prompts,
    steps: automation.steps,
    opener: automation.opener,
    promises: createPromiseStatements(db).promises,
    imports: createSqliteImports(db, s),
    createPreview: requests.createPreview,
    transact<T>(fn: (repo: StateRepository) => T): T {
      let open = true;
      const guard =
        <A extends unknown[], R>(method: (...args: A) => R) =>
        (...args: A): R => {
          if (!open) throw new Error('a StateRepository is only usable inside its transact()');
          return method(...args);
        };
      const repo: StateRepository = {
        components: guard(reads.components),
        activeIncidents: guard(reads.activeIncidents),
        incident: guard(reads.incident),
        post: guard(reads.post),
        apply: guard(apply),
        preview: guard(requests.preview),
        settlePreview: guard(requests.settlePreview),
        handledRequest: guard(requests.handledRequest),
        recordRequest: guard(requests.recordRequest),
        step: guard(automation.step),
        recordStep: guard(automation.recordStep),
        queuePrompt: guard(automation.queuePrompt),
      };
      try {
        return run.immediate(() => {
          const result = fn(repo);
          // better-sqlite3 would commit before an async function finished: refuse it, rolling back.
          if (result instanceof Promise) throw new TypeError('transact() takes a synchronous function');
          return result;
        }) as T;
      } finally {
        open = false;
      }
    },
    incidents: ({ status, limit } = {}) =>
      read(() =>
        s.incidents
          .all({ statuses: status ? JSON.stringify(status) : null, limit: limit ?? -1 })
          .map(incidentOf),
      ),
    incidentsSince: (since) => read(() => incidentsSince.all({ since }).map(incidentOf)),
    postsOf: (incidentId) => read(() => s.postsOf.all(incidentId).map(postOf)),
    recentPosts: (limit) => read(() => s.recentPosts.all(limit).map(postOf)),
    postById: (id) => read(() => maybe(s.postById.get(id), postOf)),
    deliveriesOf: (postId) => s.deliveriesOf.all(postId).map(toDelivery),
    deliveries: ({ status, outlet, action } = {}) =>
      s.deliveries
        .all({ status: status ?? null, outlet: outlet ?? null, action: action ?? null })
        .map(toDelivery),
    audit: (limit) => s.audit.all(limit ?? -1).map(toAuditEntry),
    close: () => db.close(),
  };
}

function checkSchema(db: SqliteDatabase): void {
  const version = db.pragma('user_version', { simple: true });
  const latest = latestSchemaVersion();
  const file = path.basename(db.name);
  if (typeof version === 'number' && version > latest) throw new SchemaTooNewError(file, version, latest);
  if (version !== latest) {
    throw new Error(`${file} is at schema version ${String(version)}, not ${latest}: run migrate() first`);
  }
}
