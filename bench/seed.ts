// Seeds a Herald database with history: `posts` posts in resolved outages of 10 posts each, one outage a
// day going back from now (a busy provider: 100,000 posts is 27 years of it), every delivery sent. A bigger
// history is a longer one, not a denser one. Raw SQL in one transaction (the history is the setting, not
// what is measured).
import type Database from 'better-sqlite3';
import { migrate } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';

const POSTS_PER_INCIDENT = 10;
const OUTLETS = ['site', 'twitter', 'mastodon', 'bluesky'];
const COMPONENTS = [
  ['nc018', 'smtp'],
  ['nc018', 'web'],
  ['nc026', 'imap'],
  ['nc026', 'dns'],
  ['email', 'relay'],
] as const;
const TEXT =
  'We are once again dealing with a spam problem on NC018 and have shut down the SMTP server. This means that ' +
  'you will not be able to send email for now. We are working on this issue as fast as we can. Update at 22:13 UTC.';

export function seedHistory(file: string, posts: number, now: number): void {
  const db = openDatabase(file);
  migrate(db);
  const incidents = Math.ceil(posts / POSTS_PER_INCIDENT);
  const day = 86_400_000;
  const insertIncident = db.prepare(
    `INSERT INTO incidents (id, kind, status, title, tags, impact, opened_at, closed_at, last_number)
     VALUES (?, 'outage', 'resolved', ?, '["smtp","spam"]', 'down', ?, ?, ?)`,
  );
  const insertComponent = db.prepare(
    'INSERT INTO incident_components (incident_id, system, service) VALUES (?, ?, ?)',
  );
  const insertPost = db.prepare(
    `INSERT INTO posts (id, incident_id, number, title, text, tags, author, published_at, state)
     VALUES (?, ?, ?, ?, ?, '["smtp"]', 'bench', ?, ?)`,
  );
  const insertDelivery = db.prepare(
    `INSERT INTO deliveries (post_id, outlet, action, status, attempts, remote_id, created_at, sent_at, next_attempt_at)
     VALUES (?, ?, 'publish', 'sent', 1, ?, ?, ?, NULL)`,
  );
  let postId = 0;
  db.transaction(() => {
    for (let i = 1; i <= incidents; i++) {
      const opened = now - (incidents - i + 1) * day;
      const n = Math.min(POSTS_PER_INCIDENT, posts - postId);
      const closed = opened + n * 10 * 60_000;
      const [system, service] = COMPONENTS[i % COMPONENTS.length] ?? COMPONENTS[0];
      insertIncident.run(i, `SMTP on NC018 shut down (${i})`, opened, closed, n);
      insertComponent.run(i, system, service);
      for (let k = 1; k <= n; k++) {
        postId++;
        const at = opened + (k - 1) * 10 * 60_000;
        insertPost.run(
          postId,
          i,
          k,
          k === 1 ? `SMTP on NC018 shut down (${i})` : `SMTP on NC018 shut down (${i}): Update ${k}`,
          TEXT,
          at,
          k === n ? 'operational' : 'down',
        );
        for (const outlet of OUTLETS) insertDelivery.run(postId, outlet, `r${postId}`, at, at + 1000);
      }
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export type { Database };
