// The `site` outlet: the static status site and its feeds, written under the public folder. Every file is
// written atomically (a temporary file in the same folder, fsync, rename), so a reader never sees half a
// file. A delivery rewrites what its change affects — its incident's page, the index, the feeds, and those of
// the JSON API files (site-api.ts) whose bytes change — and `rebuild()` rewrites everything.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CoreSettings } from '../../bot/catalog.js';
import type { Clock } from '../../bot/handle-command.js';
import type { Store } from '../../bot/ports.js';
import type { Incident } from '../../bot/types.js';
import type { SiteConfig } from '../../config.js';
import { renderFeeds } from '../../templates/feeds.js';
import { renderSubscribeHtml, type SubscribeFormSettings } from '../../templates/html/subscribe-page.js';
import {
  renderIncidentHtml,
  renderIndexHtml,
  renderNotFoundHtml,
  SITE_ASSETS,
} from '../../templates/html.js';
import { createPostRenderer, incidentPath, type RenderedPost, renderPost } from '../../templates/post.js';
import { buildIncidentView, buildIndexView } from '../../templates/site-view.js';
import type { DeliveryResult, Outlet } from './outlet.js';
import { createApiFiles } from './site-api.js';
import { createSiteExtras } from './site-extras.js';

const HISTORY_DAYS = 90;
const DAY = 86_400_000;

/**
 * Writes `content` to `file` so that the old or the new file is there at every instant, never a part: a
 * temporary file in the same folder, renamed over the old one. No fsync: the database is the durable record,
 * and `herald start` rebuilds every page from it, so even a power cut cannot leave a stale site for long;
 * an fsync per file would cost more than everything else a publish does.
 */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const tmp = writeTemporary(file, content);
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * The second half of writeFileAtomic for a temporary file already written: the rename, done in libuv's thread
 * pool. On ext4, renaming over an existing file starts the new file's writeback (auto_da_alloc): 0.2–0.4 ms
 * however small the file, against 0.05 for writing it, and the folder stays locked meanwhile (so a file is
 * created there only after). From the pool those costs overlap the rendering of the files that follow in
 * other folders instead of adding up (bench/api.ts, docs/benchmarks.md).
 */
export async function renameInPool(tmp: string, file: string): Promise<void> {
  try {
    await fs.promises.rename(tmp, file);
  } catch (error) {
    await fs.promises.rm(tmp, { force: true });
    throw error;
  }
}

function writeTemporary(file: string, content: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  fs.writeFileSync(tmp, content, { mode: 0o644 });
  return tmp;
}

/** Temporary files of writes that a crash interrupted (the old file is still in place beside each). */
function removeLeftovers(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (/(^|\/)\.[^/]+\.\d+\.[0-9a-f]{8}\.tmp$/.test(file)) fs.rmSync(path.join(dir, file), { force: true });
  }
}

export interface SiteOutletOptions {
  store: Store;
  site: SiteConfig;
  settings: CoreSettings;
  publicDir: string;
  clock: Clock;
  /** Whether to write the JSON API files (default yes; bench/api.ts measures the site without them). */
  api?: boolean;
  /** subscribe.html's form: where it posts, or off (no SMTP). Left out: off. */
  subscribe?: SubscribeFormSettings;
}

export interface SiteOutlet extends Outlet {
  /**
   * Rewrites the pages of these incidents, then the index, the feeds, the badges and the JSON API files that
   * changed; resolves with the files written once every one is in place. The incident pages are renamed
   * into place first, so nothing links to a page that is not there yet; the shared files after them,
   * their renames overlapping (writeFileAtomicLater). What a delivery does.
   */
  publishIncidents(ids: Iterable<number>): Promise<string[]>;
  /** Rewrites every page and feed. */
  rebuild(): string[];
  /**
   * The same, in batches that yield to the event loop between them, so that a running Herald answers
   * commands while a large history is rewritten (what `herald start` does at start).
   */
  rebuildInBackground(options?: { batch?: number; signal?: AbortSignal }): Promise<number>;
  /** When the site was last written by this process, or null. */
  lastWrittenAt(): number | null;
}

export function createSiteOutlet(options: SiteOutletOptions): SiteOutlet {
  const { store, site, settings, publicDir, clock } = options;
  const withApi = options.api ?? true;
  const ctx = { baseUrl: site.baseUrl, zones: settings.zones };
  const render = createPostRenderer(ctx);
  let lastWritten: number | null = null;
  /**
   * When Herald's first record was made (its earliest incident; with none yet, now: a new Herald has watched
   * nothing before today); found once, again by a rebuild.
   */
  let recordsFrom: number | null = null;
  const firstRecord = (): number => {
    if (recordsFrom === null) {
      const times = store.incidents().map((i) => Math.min(i.openedAt, i.startsAt ?? i.openedAt));
      recordsFrom = times.length ? Math.min(...times) : clock.now();
    }
    return recordsFrom;
  };

  /** While a delivery writes a group of shared files: the temporary files written, each to rename. */
  let queued: Array<{ tmp: string; file: string }> | null = null;
  /** The delivery under way, which a rebuild in the background lets finish before it writes the shared files. */
  let delivering: Promise<unknown> = Promise.resolve();
  const write = (relative: string, content: string | Buffer, written: string[]) => {
    const file = path.join(publicDir, relative);
    if (queued) queued.push({ tmp: writeTemporary(file, content), file });
    else writeFileAtomic(file, content);
    written.push(relative);
  };
  // The Statuspage-compatible JSON under api/v2/ (docs/api.md): only the files a change alters.
  const api = createApiFiles({
    store,
    site,
    settings,
    render: (post, incident, cached) => (cached ? render(post, incident) : renderPost(post, incident, ctx)),
    firstRecord,
    write,
  });
  const extras = createSiteExtras({ publicDir, write });

  function renderedRecent(limit: number): RenderedPost[] {
    const incidents = new Map<number, Incident | undefined>();
    return store.recentPosts(limit).flatMap((post) => {
      if (!incidents.has(post.incidentId)) incidents.set(post.incidentId, store.incident(post.incidentId));
      const incident = incidents.get(post.incidentId);
      return incident ? [render(post, incident)] : [];
    });
  }

  /**
   * `cached: false` for a rebuild: every post is rendered once there, and filling the cache with them would
   * only push its useful entries (the active incidents') out and leave the old heap full of evicted ones.
   */
  function writeIncident(incident: Incident, now: number, written: string[], cached = true) {
    const posts = store
      .postsOf(incident.id)
      .map((p) => (cached ? render(p, incident) : renderPost(p, incident, ctx)));
    write(
      incidentPath(incident.id),
      renderIncidentHtml(buildIncidentView({ site, settings, now, incident, posts })),
      written,
    );
  }

  function writeShared(now: number, written: string[]) {
    const since = now - HISTORY_DAYS * DAY;
    const incidents = store.incidentsSince(since);

    const recent = renderedRecent(Math.max(site.feedItems, 10));
    // Each open incident's latest post that stands, for its card at the top of the index.
    const latest = new Map<number, RenderedPost>();
    for (const incident of incidents) {
      if (incident.status !== 'open' && incident.status !== 'in_progress') continue;
      const post = store
        .postsOf(incident.id)
        .filter((p) => p.retractedAt === null)
        .at(-1);
      if (post) latest.set(incident.id, render(post, incident));
    }
    const view = buildIndexView({
      site,
      settings,
      now,
      components: store.components(),
      incidents,
      recent: recent.slice(0, 10),
      promises: store.promises(),
      latest,
      recordsFrom: firstRecord(),
    });
    write('index.html', renderIndexHtml(view), written);
    // The badges (only those whose state changed) and the widget, from the same view (site-extras.ts).
    extras.write(view, written);
    const feeds = renderFeeds(recent.slice(0, site.feedItems), site, now);
    write('rss.xml', feeds.rss, written);
    write('atom.xml', feeds.atom, written);
    write('feed.json', feeds.json, written);
  }

  /** The stylesheet, icon and 404 page: they change only with Herald itself, so only a rebuild writes them. */
  function writeAssets(written: string[]) {
    extras.forget();
    for (const [file, content] of Object.entries(SITE_ASSETS)) write(file, content, written);
    write('404.html', renderNotFoundHtml(site), written);
    write(
      'subscribe.html',
      renderSubscribeHtml(site, settings.catalog, options.subscribe ?? { action: null }),
      written,
    );
  }

  function publishIncidents(ids: Iterable<number>, cached = true, rebuilding = false): string[] {
    const now = clock.now();
    const written: string[] = [];
    const changed = new Set(ids);
    for (const id of changed) {
      const incident = store.incident(id);
      if (incident) writeIncident(incident, now, written, cached);
    }
    if (!fs.existsSync(path.join(publicDir, 'style.css'))) writeAssets(written);
    writeShared(now, written);
    if (withApi && rebuilding) api.rebuild(written);
    else if (withApi) api.publish(changed, written, cached);
    lastWritten = clock.now();
    return written;
  }

  /** A delivery's publish: publishIncidents with the shared files' renames overlapping (see the interface). */
  async function publishIncidentsLater(ids: Iterable<number>): Promise<string[]> {
    const now = clock.now();
    const written: string[] = [];
    const changed = new Set(ids);
    for (const id of changed) {
      const incident = store.incident(id);
      if (incident) writeIncident(incident, now, written);
    }
    if (!fs.existsSync(path.join(publicDir, 'style.css'))) writeAssets(written);
    // The JSON API files (in api/v2/) first, then the index, feeds, badges and widget (in other folders):
    // each group's temporary files are written, then its renames start in the pool, and the renames of the
    // API files go on while the rest is rendered.
    const pending: Promise<void>[] = [];
    let failure: unknown = null;
    const group = (work: () => void) => {
      queued = [];
      try {
        work();
      } finally {
        for (const { tmp, file } of queued) pending.push(renameInPool(tmp, file));
        queued = null;
      }
    };
    try {
      if (withApi) group(() => api.publish(changed, written, true));
      group(() => writeShared(now, written));
    } catch (error) {
      failure = error;
    }
    for (const result of await Promise.allSettled(pending)) {
      if (result.status === 'rejected') failure ??= result.reason;
    }
    if (failure !== null) {
      // What is kept of the files as last written may not be on disk: the retry writes them all again.
      api.forget();
      extras.forget();
      throw failure;
    }
    lastWritten = clock.now();
    return written;
  }

  function deliverIncidents(ids: Iterable<number>): Promise<string[]> {
    const run = publishIncidentsLater(ids);
    delivering = run.catch(() => undefined);
    return run;
  }

  return {
    name: 'site',
    threaded: false,
    external: false,
    publishIncidents: deliverIncidents,
    async rebuildInBackground({ batch = 200, signal } = {}) {
      removeLeftovers(publicDir);
      recordsFrom = null;
      const written: string[] = [];
      writeAssets(written);
      const ids = store.incidents().map((i) => i.id);
      for (let i = 0; i < ids.length; i += batch) {
        await new Promise((resolve) => setImmediate(resolve));
        // Stopping: the pages not yet rewritten are rewritten by the next start.
        if (signal?.aborted) return written.length;
        const now = clock.now();
        for (const id of ids.slice(i, i + batch)) {
          const incident = store.incident(id);
          if (incident) writeIncident(incident, now, written, false);
        }
      }
      await delivering;
      writeShared(clock.now(), written);
      if (withApi) api.rebuild(written);
      lastWritten = clock.now();
      return written.length;
    },
    rebuild() {
      removeLeftovers(publicDir);
      recordsFrom = null;
      const written: string[] = [];
      writeAssets(written);
      return [
        ...written,
        ...publishIncidents(
          store.incidents().map((i) => i.id),
          false,
          true,
        ),
      ];
    },
    lastWrittenAt: () => lastWritten,
    async deliver(items): Promise<DeliveryResult[]> {
      try {
        await deliverIncidents(items.map((i) => i.post.incidentId));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return items.map((i) => ({
          id: i.delivery.id,
          ok: false,
          retry: true,
          error: `writing the site failed: ${message}`,
        }));
      }
      return items.map((i) => ({ id: i.delivery.id, ok: true, remoteId: null, remoteUrl: i.post.permalink }));
    },
  };
}
