// The door of the chat edge: a verified request is appended to the inbox before it is acknowledged, so that
// "acknowledged" means "recorded". Requests arriving in one pass of the event loop are committed together
// (a group commit: one transaction and one fsync for all of them, on setImmediate, after the poll phase has
// read every request that arrived), and each append resolves once its row is on disk.

import type { InboxEntry, InboxStore } from '../../store/inbox.js';

/** Thrown by append() once Herald is stopping: the request is not acknowledged, and the platform retries. */
export class InboxClosedError extends Error {
  override name = 'InboxClosedError';
  constructor() {
    super('Herald is stopping: the request was not taken');
  }
}

export interface Appended {
  /** False when the platform's request id was already in the inbox (a retry, a double click). */
  fresh: boolean;
}

export interface InboxStats {
  /** Group commits made. */
  transactions: number;
  /** Rows offered (fresh and repeated). */
  rows: number;
  /** How many group commits held n rows, by n. */
  batchSizes: Map<number, number>;
  /** Seconds spent in the group commits (the insert and its fsync). */
  commitSeconds: number;
}

export interface Inbox {
  append(entry: InboxEntry): Promise<Appended>;
  /** Refuses new appends (InboxClosedError), after committing the ones already queued. */
  close(): Promise<void>;
  readonly stats: InboxStats;
  /** Called after each group commit that added rows: the worker wakes. */
  onAppended(listener: () => void): void;
}

interface Queued {
  entry: InboxEntry;
  resolve(appended: Appended): void;
  reject(error: unknown): void;
}

export function createInbox(store: InboxStore): Inbox {
  let queue: Queued[] = [];
  let scheduled: Promise<void> | null = null;
  let closed = false;
  const listeners: Array<() => void> = [];
  const stats: InboxStats = { transactions: 0, rows: 0, batchSizes: new Map(), commitSeconds: 0 };

  const flush = () => {
    const batch = queue;
    queue = [];
    scheduled = null;
    if (!batch.length) return;
    let ids: Array<number | null>;
    const started = performance.now();
    try {
      ids = store.appendAll(batch.map((q) => q.entry));
    } catch (error) {
      for (const q of batch) q.reject(error);
      return;
    }
    stats.commitSeconds += (performance.now() - started) / 1000;
    stats.transactions++;
    stats.rows += batch.length;
    stats.batchSizes.set(batch.length, (stats.batchSizes.get(batch.length) ?? 0) + 1);
    batch.forEach((q, i) => {
      q.resolve({ fresh: ids[i] !== null });
    });
    if (ids.some((id) => id !== null)) for (const l of listeners) l();
  };

  const schedule = () => {
    scheduled ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        flush();
        resolve();
      }),
    );
  };

  return {
    stats,
    append(entry) {
      if (closed) return Promise.reject(new InboxClosedError());
      return new Promise<Appended>((resolve, reject) => {
        queue.push({ entry, resolve, reject });
        schedule();
      });
    },
    async close() {
      closed = true;
      await scheduled;
    },
    onAppended(listener) {
      listeners.push(listener);
    },
  };
}
