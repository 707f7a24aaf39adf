// herald.config.yaml + environment → a typed Config. Checked once, at start; every problem is listed at
// once, with the key's path and what was expected. Only this module and src/cli.ts read process.env.

import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { IANAZone } from 'luxon';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { type CoreSettings, DEFAULT_TITLES } from './bot/catalog.js';
import { SUBCOMMANDS } from './bot/command-spec.js';
import { parseTemplateText } from './bot/message-templates.js';
import {
  DEFAULT_MONITORS_FILE,
  type MonitorsConfig,
  monitorsSchema,
  toMonitorsConfig,
} from './monitors/monitors-config.js';

export const KNOWN_OUTLETS = ['site', 'twitter', 'mastodon', 'bluesky'] as const;

const word = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lowercase word: letters, digits, ".", "_" or "-"');

const serviceSchema = z.strictObject({
  name: z.string().min(1),
  aliases: z.array(word).default([]),
});

const systemSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['server', 'platform']).default('server'),
  aliases: z.array(word).default([]),
  services: z.array(word).min(1, 'expected at least one service'),
});

const idList = z.array(z.string().min(1)).default([]);

/** A duration before an event: `24h`, `90m`, `2d`. */
const DURATION_UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const durationText = z.string().regex(/^[1-9]\d{0,4}[mhd]$/, 'expected a duration like 24h, 90m or 2d');
const durationMs = (text: string): number =>
  Number(text.slice(0, -1)) * DURATION_UNITS_MS[text.slice(-1) as keyof typeof DURATION_UNITS_MS];

/** When a scheduled maintenance's reminders are posted, before its start (docs/maintenance.md). */
export const DEFAULT_REMINDERS = ['24h', '1h'];

/** Template text: `{name}` placeholders, `{{` and `}}` for braces (src/bot/message-templates.ts). */
const templateText = (what: string) =>
  z.string().superRefine((text, ctx) => {
    if (text.trim() === '') ctx.addIssue({ code: 'custom', message: `expected the ${what}; it is empty` });
    const parsed = parseTemplateText(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
  });
const oneLine = z.string().regex(/^[^\r\n]*$/, 'expected one line');

const templateSchema = z.strictObject({
  description: oneLine.min(1).optional(),
  message: templateText('text of the message'),
  title: templateText('title').pipe(oneLine).optional(),
  tags: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a tag: lowercase letters, digits and "-"'))
    .default([]),
});

const fileSchema = z.strictObject({
  site: z.strictObject({
    title: z.string().min(1),
    baseUrl: z.url({
      protocol: /^https?$/,
      error: 'expected an http(s) URL, e.g. https://status.example.com/',
    }),
    description: z.string().default(''),
    feedItems: z.number().int().min(1).max(1000).default(50),
    /** Who the public pages and feeds say posted ("NinerNet staff"); the site's title when left out. */
    signature: z.string().trim().min(1).max(100).optional(),
  }),
  zones: z
    .array(
      z.strictObject({
        zone: z
          .string()
          .refine((v) => IANAZone.isValidZone(v), 'expected an IANA time zone, e.g. Africa/Lusaka'),
        label: z.string().min(1),
      }),
    )
    .default([]),
  services: z.record(word, serviceSchema),
  systems: z.record(word, systemSchema),
  staff: z
    .strictObject({
      shell: z.array(z.string().min(1)).default(['*']),
      slack: z.strictObject({ users: idList, groups: idList, channels: idList }).default({
        users: [],
        groups: [],
        channels: [],
      }),
      discord: z.strictObject({ users: idList, roles: idList, guilds: idList }).default({
        users: [],
        roles: [],
        guilds: [],
      }),
    })
    .default({
      shell: ['*'],
      slack: { users: [], groups: [], channels: [] },
      discord: { users: [], roles: [], guilds: [] },
    }),
  limits: z
    .strictObject({ messageLength: z.number().int().min(100).max(40_000).default(4000) })
    .default({ messageLength: 4000 }),
  titles: z
    .strictObject({
      down: z.string().min(1).default(DEFAULT_TITLES.down),
      degraded: z.string().min(1).default(DEFAULT_TITLES.degraded),
      restored: z.string().min(1).default(DEFAULT_TITLES.restored),
      maintenance: z.string().min(1).default(DEFAULT_TITLES.maintenance),
      completed: z.string().min(1).default(DEFAULT_TITLES.completed),
      update: z.string().min(1).default(DEFAULT_TITLES.update),
    })
    .default(DEFAULT_TITLES),
  chat: z
    .strictObject({
      preview: z.boolean().default(true),
      previewMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(15),
    })
    .default({ preview: true, previewMinutes: 15 }),
  maintenance: z
    .strictObject({ reminders: z.array(durationText).max(10).default(DEFAULT_REMINDERS) })
    .default({ reminders: DEFAULT_REMINDERS }),
  outlets: z.array(z.enum(KNOWN_OUTLETS)).default(['site', 'twitter', 'mastodon', 'bluesky']),
  templates: z.record(word, templateSchema).default({}),
  // Monitors (issue 17, docs/monitors.md): alerts become proposals; src/monitors/monitors-config.ts.
  monitors: monitorsSchema.default(DEFAULT_MONITORS_FILE),
});

type ConfigFile = z.infer<typeof fileSchema>;

const MAX_CONFIG_BYTES = 256 * 1024;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const portSchema = z.coerce.number().int().min(0).max(65_535);
/** A credential: absent, or a non-empty string (an empty value in .env counts as absent). */
const secret = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

/** Subscribers (issue 16; docs/subscribers.md): on when SMTP_URL is set. */

/** An entry of HERALD_TRUST_PROXY: one of express's names for a range, an address, or a CIDR range. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
const subscriberEnv = {
  /** nodemailer's connection URL, e.g. smtp://user:pass@relay.example.net:587 (holds a password). */
  SMTP_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.url({ protocol: /^smtps?$/, error: 'expected smtp://user:pass@host:587 or smtps://…' }).optional(),
  ),
  /** The From of every mail: `status@example.net` or `Example Status <status@example.net>`. */
  MAIL_FROM: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(
        /^[^\r\n]*@[^\r\n]*$/,
        'expected an e-mail address on one line, e.g. Status <status@example.net>',
      )
      .optional(),
  ),
  /** The public address of Herald's own HTTP server (confirm, manage and unsubscribe links in mails). */
  HERALD_PUBLIC_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://herald.example.net/' })
      .optional(),
  ),
  /** Pooled SMTP connections kept open to the relay. */
  SMTP_MAX_CONNECTIONS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(1).max(50).default(5),
  ),
  /** At most this many mails a second (0: as fast as the relay takes them). */
  SMTP_RATE_PER_SECOND: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(0).max(10_000).default(0),
  ),
  /** Webhook URLs may name loopback and private addresses (tests, private deployments): 1 or true. */
  HERALD_WEBHOOKS_ALLOW_PRIVATE: z.preprocess(
    (v) => (v === '' || v === undefined ? 'false' : String(v).toLowerCase()),
    z
      .enum(['1', '0', 'true', 'false', 'yes', 'no'])
      .transform((v) => v === '1' || v === 'true' || v === 'yes'),
  ),
  /** A subscriber is disabled after this many failed deliveries in a row. */
  HERALD_SUBSCRIBER_FAILURES_TO_DISABLE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(1).max(1000).default(10),
  ),
};

const envSchema = z.object({
  HERALD_CONFIG: z.string().min(1).default('./herald.config.yaml'),
  HERALD_DATA_DIR: z.string().min(1).default('./data'),
  HERALD_PUBLIC_DIR: z.string().min(1).default('./public'),
  HERALD_PORT: portSchema.default(8080),
  HERALD_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * The reverse proxies whose X-Forwarded-For Herald believes, as express's `trust proxy` takes them: a
   * comma-separated list of addresses, CIDR ranges, `loopback`, `linklocal` or `uniquelocal`. Empty: none.
   */
  HERALD_TRUST_PROXY: z.preprocess(
    (v) => (v === undefined ? '' : String(v)),
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .refine((list) => list.every(isProxyAddress), {
        message:
          'must be a comma-separated list of addresses, CIDR ranges (10.0.0.0/8), loopback, linklocal or uniquelocal',
      }),
  ),
  /** Unset: info, and warn for the one-shot commands (their standard output is the answer). */
  LOG_LEVEL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOG_LEVELS).optional()),
  LOG_FILE: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  LOG_FILE_LEVEL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOG_LEVELS).optional()),
  /** An empty value (as in a copied .env) means the default. */
  HERALD_REQUEST_TIMEOUT_MS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(100).max(600_000).default(30_000),
  ),
  /** GET /healthz answers 503 once the oldest pending delivery has waited longer than this. */
  HERALD_HEALTH_STUCK_SECONDS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(900),
  ),
  TWITTER_API_KEY: secret,
  TWITTER_API_SECRET: secret,
  TWITTER_ACCESS_TOKEN: secret,
  TWITTER_ACCESS_SECRET: secret,
  TWITTER_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.x.com/'),
  MASTODON_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).optional()),
  MASTODON_ACCESS_TOKEN: secret,
  BLUESKY_SERVICE_URL: z.url({ protocol: /^https?$/ }).default('https://bsky.social'),
  BLUESKY_IDENTIFIER: secret,
  BLUESKY_APP_PASSWORD: secret,
  SLACK_BOT_TOKEN: secret,
  SLACK_SIGNING_SECRET: secret,
  SLACK_APP_TOKEN: secret,
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  SLACK_ANNOUNCE_CHANNEL: secret,
  /** Where proposals from the monitors are shown to staff (issue 17). */
  SLACK_STAFF_CHANNEL: secret,
  DISCORD_TOKEN: secret,
  DISCORD_APPLICATION_ID: secret,
  DISCORD_PUBLIC_KEY: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'expected the application public key: 64 hex digits')
      .optional(),
  ),
  DISCORD_API_URL: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
  DISCORD_ANNOUNCE_CHANNEL: secret,
  ...subscriberEnv,
  /** The key sign-up links are signed with (subs-front); unset: one generated into the data folder. */
  HERALD_TOKEN_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().min(32, 'expected at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  ),
  /** Where proposals from the monitors are shown to staff (issue 17); the bot posts them (DISCORD_TOKEN). */
  DISCORD_STAFF_CHANNEL: secret,
  // The monitors' hooks (docs/monitors.md): each is refused (401) while its secret is unset.
  HERALD_ALERTMANAGER_TOKEN: secret,
  HERALD_ALERTMANAGER_USER: secret,
  HERALD_ALERTMANAGER_PASSWORD: secret,
  HERALD_STATUS_HOOK_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'expected a Standard Webhooks secret: whsec_ and base64')
      .optional(),
  ),
});

export interface SiteConfig {
  title: string;
  baseUrl: string;
  description: string;
  feedItems: number;
  /** Who the site and feeds say posted: never a login. Left out, the site's title. */
  signature?: string;
}

export interface TwitterCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

/** Each social network: its API address, and credentials, or null to run dry (log what would be sent). */
export interface SocialConfig {
  twitter: { apiUrl: string; credentials: TwitterCredentials | null };
  mastodon: { url: string | null; accessToken: string | null };
  bluesky: { serviceUrl: string; identifier: string | null; appPassword: string | null };
}

/** Slack, when a bot token is set: Socket Mode with an app token, else HTTP mode with the signing secret. */
export interface SlackConfig {
  botToken: string;
  signingSecret: string | null;
  appToken: string | null;
  apiUrl: string;
  /** Channel id every published post is announced in, threaded per incident; null: no announcements. */
  announceChannel: string | null;
  /**
   * Channel id where the monitors' proposals are shown to staff, with Publish / Edit / Dismiss:
   * SLACK_STAFF_CHANNEL, else the first of staff.slack.channels; null: not shown on Slack.
   */
  staffChannel?: string | null;
}

/** Discord: the gateway when a bot token is set; the HTTP interactions endpoint when a public key is. */
export interface DiscordConfig {
  token: string | null;
  applicationId: string | null;
  publicKey: string | null;
  apiUrl: string;
  announceChannel: string | null;
  /** Channel id where the monitors' proposals are shown to staff (DISCORD_STAFF_CHANNEL); null: not shown. */
  staffChannel?: string | null;
}

export interface ChatConfig {
  /** Show a preview with Publish / Edit / Cancel before anything that publishes (Slack and Discord). */
  preview: boolean;
  /** How long a preview can be published, in milliseconds. */
  previewTtlMs: number;
}

/** Subscribers: null (off) without SMTP_URL. */
export interface SubscribersConfig {
  smtpUrl: string;
  mailFrom: string;
  /** Herald's HTTP server as the public reaches it, without a trailing slash. */
  publicUrl: string;
  smtp: { maxConnections: number; ratePerSecond: number };
  /** A subscriber is disabled after this many failed deliveries in a row. */
  failuresToDisable: number;
}

export interface Config {
  core: CoreSettings;
  subscribers: SubscribersConfig | null;
  /** Webhook URLs to loopback and private addresses allowed (HERALD_WEBHOOKS_ALLOW_PRIVATE). */
  webhooks: { allowPrivate: boolean };
  /** HERALD_TOKEN_SECRET, or null: the key is generated once into the data folder (src/subscribers/tokens.ts). */
  tokenSecret: string | null;
  social: SocialConfig;
  slack: SlackConfig | null;
  discord: DiscordConfig | null;
  chat: ChatConfig;
  /** Scheduled maintenance: how long before its start each reminder is posted, in milliseconds. */
  maintenance: { remindersMs: number[] };
  site: SiteConfig;
  paths: { config: string; dataDir: string; publicDir: string; database: string };
  /** trustProxy: the proxies whose X-Forwarded-For gives a client's address (HERALD_TRUST_PROXY); [] for none. */
  http: { host: string; port: number; trustProxy: string[] };
  /** The longest one request of an outlet (social networks, chat announcements) may take. */
  requestTimeoutMs: number;
  /** GET /healthz: how long the oldest pending delivery may wait before Herald reports itself unhealthy. */
  health: { stuckSeconds: number };
  /** Monitors' hooks and the proposals they make (docs/monitors.md). */
  monitors: MonitorsConfig;
  /** LOG_LEVEL, or info when it is unset. */
  logLevel: LogLevel;
  logging: LogConfig;
}

/** Logging as configured: src/logger.ts makes the logger of it. */
export interface LogConfig {
  /** LOG_LEVEL as given; null when unset (info, and warn for `herald run`, `publish` and `demo`). */
  level: LogLevel | null;
  /** LOG_FILE: the same lines, as JSON, also appended to this file (a path from the working folder). */
  file: string | null;
  /** LOG_FILE_LEVEL; by default LOG_LEVEL's, or info. */
  fileLevel: LogLevel;
  /** Every configured credential: cut out of any log line that would hold one. */
  secrets: string[];
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const formatPath = (where: string, p: readonly PropertyKey[]): string =>
  `${where}${p.length ? ` ${p.map((k) => (typeof k === 'number' ? `[${k}]` : String(k))).join('.')}` : ''}`.replace(
    /\.\[/g,
    '[',
  );

function zodProblems(where: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${formatPath(where, i.path)}: ${i.message}`);
}

/** Cross-references zod cannot see: services named by systems exist, and no word means two things. */
function catalogProblems(file: ConfigFile, where: string): string[] {
  const problems: string[] = [];
  const reserved = new Set<string>([...SUBCOMMANDS, 'all']);
  const seenSystems = new Map<string, string>();
  for (const [id, sys] of Object.entries(file.systems)) {
    sys.services.forEach((svc, i) => {
      if (!Object.hasOwn(file.services, svc)) {
        problems.push(
          `${where} systems.${id}.services[${i}]: unknown service "${svc}"; define it under services (known: ${Object.keys(file.services).join(', ')})`,
        );
      }
    });
    for (const w of [id, ...sys.aliases]) {
      if (reserved.has(w))
        problems.push(`${where} systems.${id}: "${w}" is a command word and cannot name a system`);
      const other = seenSystems.get(w);
      if (other) problems.push(`${where} systems.${id}: "${w}" already names system ${other}`);
      seenSystems.set(w, id);
    }
  }
  const seenServices = new Map<string, string>();
  for (const [id, svc] of Object.entries(file.services)) {
    for (const w of [id, ...svc.aliases]) {
      const other = seenServices.get(w);
      if (other) problems.push(`${where} services.${id}: "${w}" already names service ${other}`);
      seenServices.set(w, id);
    }
  }
  return problems;
}

function toCoreSettings(file: ConfigFile): CoreSettings {
  return {
    catalog: {
      services: Object.entries(file.services).map(([id, s]) => ({ id, name: s.name, aliases: s.aliases })),
      systems: Object.entries(file.systems).map(([id, s]) => ({
        id,
        name: s.name,
        kind: s.kind,
        aliases: s.aliases,
        services: s.services,
      })),
    },
    titles: file.titles,
    zones: file.zones,
    staff: file.staff,
    messageLimit: file.limits.messageLength,
    outlets: [...file.outlets],
    templates: Object.entries(file.templates).map(([name, t]) => ({
      name,
      description: t.description ?? null,
      message: t.message,
      title: t.title ?? null,
      tags: t.tags,
    })),
  };
}

/** Parses and checks configuration text (YAML); `where` names it in problems. */
export function parseConfigFile(
  text: string,
  where = 'herald.config.yaml',
): { ok: true; file: ConfigFile } | { ok: false; problems: string[] } {
  // A configuration is a few kilobytes; a huge file is a mistake, and parsing one can take hours.
  if (text.length > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      problems: [
        `${where}: ${(text.length / 2 ** 20).toFixed(1)} MB is too large for a configuration (at most ${MAX_CONFIG_BYTES / 1024} KiB); is it the right file?`,
      ],
    };
  }
  let raw: unknown;
  const protoKeys: string[] = [];
  try {
    raw = parseYaml(text, {
      maxAliasCount: 100,
      // zod drops a `__proto__` key silently; note it so that it is listed rather than ignored.
      reviver(key, value) {
        if (key === '__proto__') protoKeys.push(key);
        return value;
      },
    });
  } catch (e) {
    const msg = e instanceof YAMLParseError ? e.message.split('\n')[0] : String(e);
    return { ok: false, problems: [`${where}: not valid YAML: ${msg}`] };
  }
  if (protoKeys.length) return { ok: false, problems: [`${where}: "__proto__" cannot be used as a name`] };
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, problems: zodProblems(where, parsed.error) };
  const problems = catalogProblems(parsed.data, where);
  return problems.length ? { ok: false, problems } : { ok: true, file: parsed.data };
}

type Env = z.infer<typeof envSchema>;

/** The variables that hold credentials: never logged (src/logger.ts cuts their values out of every line). */
export const SECRET_KEYS = [
  'TWITTER_API_KEY',
  'TWITTER_API_SECRET',
  'TWITTER_ACCESS_TOKEN',
  'TWITTER_ACCESS_SECRET',
  'MASTODON_ACCESS_TOKEN',
  'BLUESKY_APP_PASSWORD',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DISCORD_TOKEN',
  'HERALD_TOKEN_SECRET',
  'HERALD_ALERTMANAGER_TOKEN',
  'HERALD_ALERTMANAGER_PASSWORD',
  'HERALD_STATUS_HOOK_SECRET',
] as const satisfies ReadonlyArray<keyof Env>;

const CREDENTIAL_SETS: Array<{ network: string; keys: Array<keyof Env> }> = [
  {
    network: 'Twitter/X',
    keys: ['TWITTER_API_KEY', 'TWITTER_API_SECRET', 'TWITTER_ACCESS_TOKEN', 'TWITTER_ACCESS_SECRET'],
  },
  { network: 'Mastodon', keys: ['MASTODON_URL', 'MASTODON_ACCESS_TOKEN'] },
  { network: 'Bluesky', keys: ['BLUESKY_IDENTIFIER', 'BLUESKY_APP_PASSWORD'] },
];

/** A network is on with all of its credentials, dry with none; some but not all is a mistake worth naming. */
function credentialProblems(e: Env): string[] {
  const chat: string[] = [];
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    chat.push(
      'environment: Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) with SLACK_BOT_TOKEN',
    );
  }
  if (
    !e.SLACK_BOT_TOKEN &&
    (e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_ANNOUNCE_CHANNEL || e.SLACK_STAFF_CHANNEL)
  ) {
    chat.push('environment: Slack settings are set but SLACK_BOT_TOKEN is not');
  }
  if ((e.DISCORD_TOKEN || e.DISCORD_PUBLIC_KEY) && !e.DISCORD_APPLICATION_ID) {
    chat.push('environment: Discord needs DISCORD_APPLICATION_ID with DISCORD_TOKEN or DISCORD_PUBLIC_KEY');
  }
  if (e.DISCORD_ANNOUNCE_CHANNEL && !e.DISCORD_TOKEN) {
    chat.push(
      'environment: DISCORD_ANNOUNCE_CHANNEL needs DISCORD_TOKEN (announcements are sent by the bot)',
    );
  }
  if (e.DISCORD_STAFF_CHANNEL && !e.DISCORD_TOKEN) {
    chat.push('environment: DISCORD_STAFF_CHANNEL needs DISCORD_TOKEN (proposals are posted by the bot)');
  }
  return [
    ...chat,
    ...subscriberProblems(e),
    ...CREDENTIAL_SETS.flatMap(({ network, keys }) => {
      const missing = keys.filter((k) => e[k] === undefined);
      return missing.length && missing.length < keys.length
        ? [`environment: ${network} needs ${keys.join(', ')} together; missing ${missing.join(', ')}`]
        : [];
    }),
  ];
}

/** SMTP_URL turns subscriptions on; mails then need a sender and links need Herald's public address. */
function subscriberProblems(e: Env): string[] {
  if (!e.SMTP_URL) return [];
  const missing = (['MAIL_FROM', 'HERALD_PUBLIC_URL'] as const).filter((k) => !e[k]);
  return missing.length
    ? [`environment: subscriptions (SMTP_URL) need ${missing.join(' and ')}; see .env.example`]
    : [];
}

function subscribersConfig(e: Env): SubscribersConfig | null {
  if (!e.SMTP_URL || !e.MAIL_FROM || !e.HERALD_PUBLIC_URL) return null;
  return {
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: e.HERALD_PUBLIC_URL.replace(/\/+$/, ''),
    smtp: { maxConnections: e.SMTP_MAX_CONNECTIONS, ratePerSecond: e.SMTP_RATE_PER_SECOND },
    failuresToDisable: e.HERALD_SUBSCRIBER_FAILURES_TO_DISABLE,
  };
}

/**
 * SMTP_URL holds the relay's password: the URL and the password on its own are cut out of the log too.
 * (Not in SECRET_KEYS, which lists the variables that are a credential as a whole.)
 */
function smtpSecrets(e: Env): string[] {
  if (!e.SMTP_URL) return [];
  try {
    const { password } = new URL(e.SMTP_URL);
    return [e.SMTP_URL, ...(password ? [password, decodeURIComponent(password)] : [])];
  } catch {
    return [];
  }
}

function socialConfig(e: Env): SocialConfig {
  const t = [
    e.TWITTER_API_KEY,
    e.TWITTER_API_SECRET,
    e.TWITTER_ACCESS_TOKEN,
    e.TWITTER_ACCESS_SECRET,
  ] as const;
  return {
    twitter: {
      apiUrl: e.TWITTER_API_URL,
      credentials:
        t[0] && t[1] && t[2] && t[3]
          ? { appKey: t[0], appSecret: t[1], accessToken: t[2], accessSecret: t[3] }
          : null,
    },
    mastodon: { url: e.MASTODON_URL ?? null, accessToken: e.MASTODON_ACCESS_TOKEN ?? null },
    bluesky: {
      serviceUrl: e.BLUESKY_SERVICE_URL,
      identifier: e.BLUESKY_IDENTIFIER ?? null,
      appPassword: e.BLUESKY_APP_PASSWORD ?? null,
    },
  };
}

/** The `monitors:` section against the catalog, with the hooks' secrets from the environment. */
function monitorsConfig(file: ConfigFile, e: Env, where: string) {
  const problems: string[] = [];
  if (!!e.HERALD_ALERTMANAGER_USER !== !!e.HERALD_ALERTMANAGER_PASSWORD) {
    problems.push(
      'environment: HERALD_ALERTMANAGER_USER and HERALD_ALERTMANAGER_PASSWORD go together (basic auth)',
    );
  }
  const result = toMonitorsConfig(
    file.monitors,
    toCoreSettings(file).catalog,
    {
      alertmanagerToken: e.HERALD_ALERTMANAGER_TOKEN ?? null,
      alertmanagerBasic:
        e.HERALD_ALERTMANAGER_USER && e.HERALD_ALERTMANAGER_PASSWORD
          ? { username: e.HERALD_ALERTMANAGER_USER, password: e.HERALD_ALERTMANAGER_PASSWORD }
          : null,
      statusHookSecret: e.HERALD_STATUS_HOOK_SECRET ?? null,
    },
    where,
  );
  return problems.length
    ? { ok: false as const, problems: [...problems, ...(result.ok ? [] : result.problems)] }
    : result;
}

/** Reads the configuration the way `herald` does: the environment names the file and the folders. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ConfigResult {
  // Each variable on its own, so that one bad value neither hides the others' problems nor their values.
  const problems: string[] = [];
  const e = envSchema.parse({});
  for (const key of Object.keys(envSchema.shape) as Array<keyof typeof envSchema.shape>) {
    const one = envSchema.shape[key].safeParse(env[key]);
    if (one.success) Object.assign(e, { [key]: one.data });
    else
      problems.push(
        ...zodProblems('environment', one.error).map((p) => p.replace(/^environment/, `environment ${key}`)),
      );
  }
  const configPath = path.resolve(cwd, e.HERALD_CONFIG);
  let text: string | undefined;
  try {
    text = fs.readFileSync(configPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(
      `${configPath}: cannot read the configuration (${code ?? String(err)}); set HERALD_CONFIG to its path`,
    );
  }
  let file: ConfigFile | undefined;
  if (text !== undefined) {
    const parsed = parseConfigFile(text, path.basename(configPath));
    if (parsed.ok) file = parsed.file;
    else problems.push(...parsed.problems);
  }
  problems.push(...credentialProblems(e));
  const monitors = file && monitorsConfig(file, e, path.basename(configPath));
  if (monitors && !monitors.ok) problems.push(...monitors.problems);
  if (problems.length || !file || !monitors?.ok) return { ok: false, problems };
  const dataDir = path.resolve(cwd, e.HERALD_DATA_DIR);
  return {
    ok: true,
    config: {
      core: toCoreSettings(file),
      subscribers: subscribersConfig(e),
      webhooks: { allowPrivate: e.HERALD_WEBHOOKS_ALLOW_PRIVATE },
      tokenSecret: e.HERALD_TOKEN_SECRET ?? null,
      site: file.site,
      paths: {
        config: configPath,
        dataDir,
        publicDir: path.resolve(cwd, e.HERALD_PUBLIC_DIR),
        database: path.join(dataDir, 'herald.db'),
      },
      http: { host: e.HERALD_HOST, port: e.HERALD_PORT, trustProxy: e.HERALD_TRUST_PROXY },
      requestTimeoutMs: e.HERALD_REQUEST_TIMEOUT_MS,
      health: { stuckSeconds: e.HERALD_HEALTH_STUCK_SECONDS },
      social: socialConfig(e),
      slack: e.SLACK_BOT_TOKEN
        ? {
            botToken: e.SLACK_BOT_TOKEN,
            signingSecret: e.SLACK_SIGNING_SECRET ?? null,
            appToken: e.SLACK_APP_TOKEN ?? null,
            apiUrl: e.SLACK_API_URL,
            announceChannel: e.SLACK_ANNOUNCE_CHANNEL ?? null,
            staffChannel: e.SLACK_STAFF_CHANNEL ?? file.staff.slack.channels[0] ?? null,
          }
        : null,
      discord:
        e.DISCORD_TOKEN || e.DISCORD_PUBLIC_KEY
          ? {
              token: e.DISCORD_TOKEN ?? null,
              applicationId: e.DISCORD_APPLICATION_ID ?? null,
              publicKey: e.DISCORD_PUBLIC_KEY ?? null,
              apiUrl: e.DISCORD_API_URL,
              announceChannel: e.DISCORD_ANNOUNCE_CHANNEL ?? null,
              staffChannel: e.DISCORD_STAFF_CHANNEL ?? null,
            }
          : null,
      chat: { preview: file.chat.preview, previewTtlMs: file.chat.previewMinutes * 60_000 },
      maintenance: { remindersMs: file.maintenance.reminders.map(durationMs) },
      monitors: monitors.config,
      logLevel: e.LOG_LEVEL ?? 'info',
      logging: {
        level: e.LOG_LEVEL ?? null,
        file: e.LOG_FILE ? path.resolve(cwd, e.LOG_FILE) : null,
        fileLevel: e.LOG_FILE_LEVEL ?? e.LOG_LEVEL ?? 'info',
        secrets: [
          ...SECRET_KEYS.map((key) => e[key]).filter((v): v is string => typeof v === 'string'),
          ...smtpSecrets(e),
        ],
      },
    },
  };
}
