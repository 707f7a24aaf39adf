// `herald subscribers list | export | remove <address>`, for staff at the shell. What it prints and its exit
// code: 0 done; 1 refused (remove: no subscriber has that address); 2 a usage error. src/cli.ts maps a
// thrown error to 3. Removal deletes the personal data: the subscriber's row, its components and its
// notifications (ON DELETE CASCADE), also where the address is a webhook's contact address.

import path from 'node:path';
import type { Config } from '../config.js';
import { EXIT } from '../exit-codes.js';
import { createLogger } from '../logger.js';
import { openStore } from '../store/sqlite-store.js';
import {
  SUBSCRIBER_CHANNELS,
  SUBSCRIBER_STATUSES,
  type Subscriber,
  type SubscriberChannel,
  type SubscriberStatus,
} from '../store/subscribers.js';
import { upgradeDatabase } from '../store/upgrade.js';
import { fromStoreScope } from './directory.js';
import { readEmail, readWebhookUrl } from './signup-form.js';

export interface SubscribersIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const SUBSCRIBERS_USAGE = `usage: herald subscribers list [--status pending|active|disabled|unsubscribed] [--channel email|webhook]
       herald subscribers export          every subscriber as JSON (personal data: keep it safe)
       herald subscribers remove <address>  delete an e-mail address or webhook URL and all it holds`;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** What export prints of one subscriber: everything stored but the webhook's signing secret. */
function exported(s: Subscriber) {
  return {
    id: s.id,
    channel: s.channel,
    address: s.address,
    contactEmail: s.contactEmail,
    status: s.status,
    components: fromStoreScope(s.scope),
    createdAt: iso(s.createdAt),
    confirmedAt: iso(s.confirmedAt),
    failures: s.failures,
    disabledAt: iso(s.disabledAt),
    unsubscribedAt: iso(s.unsubscribedAt),
  };
}

function listLine(s: Subscriber): string {
  const scope = fromStoreScope(s.scope);
  const components = scope === 'all' ? 'all' : scope.join(',');
  const failing = s.failures ? `  ${s.failures} failed in a row` : '';
  return `${String(s.id).padStart(5)}  ${s.channel.padEnd(7)}  ${s.status.padEnd(12)}  ${s.address}  [${components}]  since ${iso(s.createdAt)}${failing}`;
}

/** The filters of `list`, or the usage problem. */
function readFilters(args: string[]): { status?: SubscriberStatus; channel?: SubscriberChannel } | string {
  const filter: { status?: SubscriberStatus; channel?: SubscriberChannel } = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--status' && SUBSCRIBER_STATUSES.includes(value as SubscriberStatus))
      filter.status = value as SubscriberStatus;
    else if (flag === '--channel' && SUBSCRIBER_CHANNELS.includes(value as SubscriberChannel))
      filter.channel = value as SubscriberChannel;
    else return `unknown or incomplete option ${flag ?? ''} ${value ?? ''}`.trim();
    i++;
  }
  return filter;
}

/** The address as the store spells it: an e-mail's domain lower-cased, a URL as the sign-up saved it. */
function storedSpelling(text: string): string {
  const email = readEmail(text, 'address');
  if (email.ok) return email.value;
  const url = readWebhookUrl(text);
  return url.ok ? url.value : text.trim();
}

/** Runs `herald subscribers <args>` on the configured database. */
export async function subscribersCommand(args: string[], config: Config, io: SubscribersIo): Promise<number> {
  const [sub, ...rest] = args;
  const usage = (why: string) => {
    io.stderr.write(`herald subscribers: ${why}\n${SUBSCRIBERS_USAGE}\n`);
    return EXIT.config;
  };
  if (sub !== 'list' && sub !== 'export' && sub !== 'remove')
    return usage(sub ? `unknown subcommand ${sub}` : 'which subcommand?');
  const filters = sub === 'list' ? readFilters(rest) : {};
  if (typeof filters === 'string') return usage(filters);
  if (sub === 'export' && rest.length) return usage('export takes nothing after it');
  if (sub === 'remove' && rest.length !== 1)
    return usage(rest.length ? 'one address at a time, in quotes if it has spaces' : 'which address?');
  // As every one-shot command does: an older database is backed up before it is migrated.
  const log = createLogger({ level: config.logging.level ?? 'warn', secrets: config.logging.secrets });
  await upgradeDatabase(config.paths.database, {
    backupsDir: path.join(config.paths.dataDir, 'backups'),
    log,
  });
  const store = openStore(config.paths.database);
  try {
    const subscribers = store.subscribers;
    if (sub === 'list') {
      const rows = subscribers.list(filters);
      for (const s of rows) io.stdout.write(`${listLine(s)}\n`);
      io.stdout.write(`${rows.length} subscriber${rows.length === 1 ? '' : 's'}\n`);
      return EXIT.ok;
    }
    if (sub === 'export') {
      io.stdout.write(`${JSON.stringify(subscribers.list().map(exported), null, 2)}\n`);
      return EXIT.ok;
    }
    const given = rest[0] as string;
    const address = storedSpelling(given);
    const removed = subscribers.remove(address);
    if (removed === 0) {
      io.stderr.write(`herald subscribers: no subscriber has the address ${address}; nothing removed\n`);
      return EXIT.refused;
    }
    io.stdout.write(
      `Removed ${removed} subscriber${removed === 1 ? '' : 's'} with the address ${address}, with what they followed and their notifications.\n`,
    );
    return EXIT.ok;
  } finally {
    store.close();
  }
}
