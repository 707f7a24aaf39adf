// `herald import <file or URL>`: an old status blog's history, from its RSS or Atom feed, into Herald as
// incidents and posts with their original dates and tags (docs/import.md). The feed is read and checked
// before the database is opened, so a refused feed writes nothing. Every new post is written in one
// transaction with a `site` delivery only: nothing imported is ever sent to a social network or a chat
// channel. The site is then rebuilt (as `herald publish --rebuild` does) and those deliveries marked sent.

import cliProgress from 'cli-progress';
import type { Herald } from '../app.js';
import type { Actor } from '../bot/types.js';
import type { Config } from '../config.js';
import { EXIT } from '../exit-codes.js';
import type { Logger } from '../logger.js';
import { incidentUrl, postAnchor } from '../templates/post.js';
import { groupPosts } from './group-posts.js';
import { loadFeedText, readFeed } from './read-feed.js';

export interface ImportIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

export interface ImportDeps {
  config: Config;
  /** Who runs the import: named in each imported post's audit row. */
  actor: Actor;
  /** Herald on the configured database, or the exit code that says why not. */
  open(): Promise<{ herald: Herald; log: Logger } | number>;
  now?: () => number;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A URL without the user name and password it may carry: what is printed, logged and stored. */
function shown(source: string): string {
  try {
    const url = new URL(source);
    if (!/^https?:$/.test(url.protocol) || !(url.username || url.password)) return source;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return source;
  }
}

/** `source`: the one feed src/cli.ts parsed, a file or an http(s):// address. */
export async function importCommand(source: string, io: ImportIo, deps: ImportDeps): Promise<number> {
  const name = shown(source);
  const refuse = (reason: string) => {
    io.stderr.write(`herald import: ${reason}; nothing was imported\n`);
    return EXIT.refused;
  };

  const text = await loadFeedText(source, { cwd: io.cwd, timeoutMs: deps.config.requestTimeoutMs });
  if (!text.ok) return refuse(text.reason.replace(source, name));
  const progress = createProgress(io.stdout);
  const feed = readFeed(text.value, (done, total) => progress?.show('Reading items', done, total));
  progress?.stop();
  if (!feed.ok) return refuse(`${name}: ${feed.reason}`);
  const { posts, skipped, itemCount } = feed.value;
  for (const s of skipped) io.stderr.write(`herald import: skipped ${s.name}: ${s.reason}\n`);
  if (itemCount === 0) return refuse(`${name}: the feed holds no items`);
  if (posts.length === 0)
    return refuse(`${name}: none of the feed's ${count(itemCount, 'item')} could be read`);

  const opened = await deps.open();
  if (typeof opened === 'number') return opened;
  const { herald, log } = opened;
  try {
    const { store, site, config } = herald;
    const known = store.imports.known(posts.map((p) => p.key));
    const fresh = posts.filter((p) => !known.has(p.key));
    const groups = groupPosts(fresh, store.imports.series());
    const now = (deps.now ?? Date.now)();
    let written = 0;
    if (fresh.length) progress?.show('Writing posts', written, fresh.length);
    const imported = store.imports.record(groups, {
      source: name,
      // The site only: an imported post is history, not news for the social networks or chat channels.
      outlets: config.core.outlets.includes('site') ? ['site'] : [],
      audit: { at: now, actor: deps.actor, text: `import ${name}`, result: 'ok', code: 'import' },
      onPost: () => progress?.show('Writing posts', ++written, fresh.length),
    });
    progress?.stop();
    const summary =
      `Imported ${count(imported.length, 'new post')} into ${count(groups.length, 'incident')} ` +
      `(${count(skipped.length, 'skipped', 'skipped')}, ${known.size} already imported)`;
    io.stdout.write(`${summary}\n`);
    log.info(
      { posts: imported.length, incidents: groups.length, skipped: skipped.length, known: known.size },
      'feed imported',
    );
    if (imported.length === 0) return EXIT.ok;

    let files: string[];
    try {
      files = site.rebuild();
    } catch (error) {
      io.stderr.write(
        `herald import: the posts are imported, but writing the site failed (${error instanceof Error ? error.message : String(error)}); \`herald publish\` writes it once the cause is fixed\n`,
      );
      return EXIT.failure;
    }
    // The rebuild carried every imported post to the site: its deliveries are done.
    const siteDeliveries = imported.flatMap((p) =>
      p.deliveries
        .filter((d) => d.outlet === 'site')
        .map((d) => ({
          id: d.id,
          url: `${incidentUrl(config.site.baseUrl, p.incidentId)}#${postAnchor(p.number)}`,
        })),
    );
    store.outbox.begin(siteDeliveries.map((d) => d.id));
    const at = (deps.now ?? Date.now)();
    store.outbox.settle(
      siteDeliveries.map((d) => ({ id: d.id, status: 'sent', remoteId: null, remoteUrl: d.url, at })),
    );
    io.stdout.write(`site: rebuilt ${files.length} files in ${config.paths.publicDir}\n`);
    return EXIT.ok;
  } finally {
    await herald.close();
  }
}

interface Progress {
  /** Shows `stage` at `done` of `total`, starting the bar at the first call. */
  show(stage: string, done: number, total: number): void;
  /** Draws the last state and ends the line; the bar may start again with `show`. */
  stop(): void;
}

/**
 * A bar over reading the feed's items, then over writing the new posts: on a terminal only, so piped or
 * redirected output gets the summary line alone.
 */
function createProgress(stdout: NodeJS.WritableStream): Progress | null {
  if (!(stdout as { isTTY?: boolean }).isTTY) return null;
  const bar = new cliProgress.SingleBar(
    { stream: stdout, format: '{stage} {bar} {value}/{total}' },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  let current = '';
  return {
    show(stage, done, total) {
      if (!running || stage !== current) {
        if (running) bar.stop();
        bar.start(total, done, { stage });
        running = true;
        current = stage;
      } else bar.update(done);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
