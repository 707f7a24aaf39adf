// The composition root: configuration → store → core → adapters. The only module that knows them all.

import path from 'node:path';
import { createFileRefusalLog } from './adapters/refusal-log.js';
import { type Clock, type CommandInput, createCommandHandler, type Outcome } from './bot/handle-command.js';
import type { Store } from './bot/ports.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { openStore } from './store/sqlite-store.js';

export const systemClock: Clock = { now: () => Date.now() };

export interface Herald {
  config: Config;
  store: Store;
  /** Runs one command as typed in chat. Synchronous: better-sqlite3 is. */
  handle(input: CommandInput): Outcome;
  close(): void;
}

export interface HeraldOptions {
  clock?: Clock;
  log: Logger;
}

export function createHerald(config: Config, options: HeraldOptions): Herald {
  const clock = options.clock ?? systemClock;
  const store = openStore(config.paths.database);
  const refusals = createFileRefusalLog(path.join(config.paths.dataDir, 'refusals.log'));
  const handleCommand = createCommandHandler({ store, settings: config.core, clock, refusals });
  const log = options.log;
  return {
    config,
    store,
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
      }
      return outcome;
    },
    close() {
      store.close();
    },
  };
}
