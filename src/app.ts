// The composition root: configuration → store → core → outlets and adapters. The only module that knows
// them all.

import path from 'node:path';
import { createSiteOutlet, type SiteOutlet } from './adapters/outlets/site.js';
import { createFileRefusalLog } from './adapters/refusal-log.js';
import { type Clock, type CommandInput, createCommandHandler, type Outcome } from './bot/handle-command.js';
import type { Store } from './bot/ports.js';
import type { Delivery } from './bot/types.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createPublisher, type Publisher } from './publisher.js';
import type { Health } from './server.js';
import { openStore } from './store/sqlite-store.js';
import { renderPost } from './templates/post.js';

export const systemClock: Clock = { now: () => Date.now() };

/** How often the publisher looks for due deliveries written by other processes (`herald run`). */
export const PUBLISH_INTERVAL_MS = 2_000;

export interface Herald {
  config: Config;
  store: Store;
  site: SiteOutlet;
  publisher: Publisher;
  /** Runs one command as typed in chat. Synchronous: better-sqlite3 is. Wakes the publisher after a change. */
  handle(input: CommandInput): Outcome;
  health(): Health;
  close(): Promise<void>;
}

export interface HeraldOptions {
  clock?: Clock;
  log: Logger;
  /**
   * Whether a recorded change wakes the publisher at once (a long-running Herald). `herald run` records
   * only, and leaves delivery to the running Herald or to `herald publish`.
   */
  publishOnChange?: boolean;
}

export function createHerald(config: Config, options: HeraldOptions): Herald {
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const store = openStore(config.paths.database);
  const refusals = createFileRefusalLog(path.join(config.paths.dataDir, 'refusals.log'));
  const handleCommand = createCommandHandler({ store, settings: config.core, clock, refusals });
  const site = createSiteOutlet({
    store,
    site: config.site,
    settings: config.core,
    publicDir: config.paths.publicDir,
    clock,
  });
  const renderContext = { baseUrl: config.site.baseUrl, zones: config.core.zones };
  const render = (delivery: Delivery) => {
    const post = store.postById(delivery.postId);
    const incident = post && store.incident(post.incidentId);
    return post && incident ? renderPost(post, incident, renderContext) : undefined;
  };
  const publisher = createPublisher({ outbox: store.outbox, outlets: [site], render, clock, log });

  return {
    config,
    store,
    site,
    publisher,
    handle(input) {
      const outcome = handleCommand(input);
      if (outcome.kind === 'refused') {
        log.info(
          { platform: input.actor.platform, actor: input.actor.id, code: outcome.code },
          'command refused',
        );
      } else if (outcome.kind === 'recorded') {
        log.info(
          {
            platform: input.actor.platform,
            actor: input.actor.id,
            command: outcome.command.kind,
            incident: outcome.incident.id,
            post: outcome.post?.id,
          },
          'command recorded',
        );
        if (options.publishOnChange !== false) publisher.wake();
      }
      return outcome;
    },
    health() {
      const pending = store.outbox.due(Number.MAX_SAFE_INTEGER, { limit: 1 });
      return {
        ok: true,
        database: 'ok',
        oldestPendingDeliveryAt: pending[0] ? new Date(pending[0].createdAt).toISOString() : null,
        siteWrittenAt:
          site.lastWrittenAt() === null ? null : new Date(site.lastWrittenAt() ?? 0).toISOString(),
      };
    },
    async close() {
      await publisher.stop();
      store.close();
    },
  };
}
