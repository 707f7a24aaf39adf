// Structured logs (pino) on standard error, so that standard output stays the command's answer. JSON for
// machines; on a terminal, pino-pretty's one-line form for the person at the prompt. LOG_FILE appends the
// same lines, as JSON, to a file too, at its own level. At the `herald start` prompt (a terminal), the lines
// go to a file instead and only warnings and errors are shown, short, above the prompt (`InteractiveLog`).
//
// Secrets are kept out in three layers, because each one alone has holes: errors are serialized without
// their requests, responses, headers and client configs (where libraries keep tokens and cookies); known
// key names are redacted wherever a logged object puts them; and, last, every configured credential is cut
// out of the finished line, whatever field or message carried it.

import fs from 'node:fs';
import path from 'node:path';
import pino, { type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogConfig } from './config.js';

export type { Logger };

export const CENSOR = '[redacted]';

/** Paths of values that must never reach a log line, whatever object they are in. */
export const REDACT_PATHS = [
  'token',
  'secret',
  'password',
  'accessToken',
  'botToken',
  'appToken',
  'appPassword',
  'authorization',
  'cookie',
  'credentials',
  // Herald's configuration and the environment hold every credential: never logged whole.
  'config',
  'env',
  '*.token',
  '*.secret',
  '*.password',
  '*.accessToken',
  '*.accessSecret',
  '*.appKey',
  '*.appSecret',
  '*.appPassword',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.credentials',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
];

/**
 * Keys dropped from logged errors, at any depth. Platform libraries hang the request and its response on
 * their errors (twitter-api-v2, @slack/web-api, @atproto/api: the response's headers with its cookies;
 * axios-style errors: the request config with its Authorization header; discord.js: the request body).
 */
const ERROR_KEYS_DROPPED = new Set([
  'headers',
  'rawheaders',
  'request',
  'response',
  'config',
  'options',
  '_options',
  'requestbody',
  'socket',
  'agent',
  'client',
]);

/** Keys whose value is a URL: logged without credentials, query string or a webhook's token. */
const URL_KEYS = new Set(['url', 'uri', 'href']);

/** A URL without what may authenticate it: user:password@, the query, a Discord webhook's token. */
export function safeUrl(value: string): string {
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    url.search = url.search ? `?${CENSOR}` : '';
    url.pathname = url.pathname.replace(/(\/webhooks\/\d+\/)[^/]+/, `$1${CENSOR}`);
    return url.toString();
  } catch {
    return value.replace(/(\/webhooks\/\d+\/)[^/?\s]+/, `$1${CENSOR}`).replace(/\?\S*/, `?${CENSOR}`);
  }
}

const MAX_DEPTH = 8;

function sanitize(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (ERROR_KEYS_DROPPED.has(lower)) continue;
    out[key] = URL_KEYS.has(lower) && typeof v === 'string' ? safeUrl(v) : sanitize(v, depth + 1);
  }
  return out;
}

/**
 * pino's error serializer (type, message and stack with their causes, the error's own fields), less
 * requests, responses and headers; anything else (a string, fields picked by hand) is walked the same way.
 */
export function serializeError(error: unknown): unknown {
  return sanitize(pino.stdSerializers.err(error as Error), 0);
}

/** Shortest value scrubbed from lines: below this, a "secret" would also cut ordinary words out. */
export const MIN_SCRUBBED_LENGTH = 6;

/**
 * Cuts every given secret out of a finished line, also as it looks inside a JSON string (escaped). The
 * last layer: it catches a credential that reached a message, a stack or a field no rule names.
 */
export function createScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUBBED_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so that a secret containing another is cut out whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const form of ordered) if (out.includes(form)) out = out.split(form).join(CENSOR);
    return out;
  };
}

function standardError(): DestinationStream {
  return process.stderr.isTTY
    ? pretty({
        destination: 2,
        sync: true,
        colorize: true,
        singleLine: true,
        translateTime: 'UTC:HH:MM:ss',
        ignore: 'pid,hostname,app',
      })
    : pino.destination(2);
}

/** Appends to `file` (its folder created if need be); opened now, so that a bad path fails at start. */
export function openLogFile(file: string): DestinationStream {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = fs.openSync(file, 'a');
  return pino.destination({ dest: fd, sync: false });
}

export interface LoggerOptions {
  /** Standard error's level (or `destination`'s). */
  level: LevelWithSilent;
  /** Where the lines go instead of standard error. */
  destination?: DestinationStream;
  /** More destinations, each at its own level (LOG_FILE; the test suite's capture). */
  also?: ReadonlyArray<{ level: LevelWithSilent; stream: DestinationStream }>;
  /** Values no line may hold: the configured credentials. */
  secrets?: readonly string[];
}

const levelValue = (level: LevelWithSilent): number =>
  level === 'silent' ? Number.POSITIVE_INFINITY : (pino.levels.values[level] ?? 0);

/**
 * Herald's logger. `createLogger('warn')` logs to standard error; the options add destinations at their own
 * levels and the secrets to scrub.
 */
export function createLogger(
  levelOrOptions: LevelWithSilent | LoggerOptions,
  destination?: DestinationStream,
): Logger {
  const options =
    typeof levelOrOptions === 'string' ? { level: levelOrOptions, destination } : levelOrOptions;
  const streams = [
    { level: options.level, stream: options.destination ?? standardError() },
    ...(options.also ?? []),
  ].filter((s) => s.level !== 'silent');
  const [only] = streams;
  const lowest = streams.reduce<LevelWithSilent>(
    (low, s) => (levelValue(s.level) < levelValue(low) ? s.level : low),
    'silent',
  );
  const scrub = options.secrets?.length ? createScrubber(options.secrets) : null;
  const target =
    streams.length <= 1
      ? (only?.stream ?? pino.destination(2))
      : pino.multistream(
          streams.map((s) => ({ level: s.level as pino.Level, stream: s.stream })),
          { dedupe: false },
        );
  return pino(
    {
      level: lowest,
      base: { app: 'herald' },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: { err: serializeError, error: serializeError },
      ...(scrub ? { hooks: { streamWrite: scrub } } : {}),
    },
    target,
  );
}

/**
 * Where a log goes when a person sits at the `herald>` prompt (standard input and output are terminals):
 * the whole log into a file, and only warnings and errors, one short line each, shown above the prompt.
 */
export interface InteractiveLog {
  /** The log file when LOG_FILE is unset: in the data folder (LOG_FILE, when set, wins). */
  defaultFile: string;
  /** Shows a short line above the prompt (the shell redraws the prompt after it). */
  show: (text: string) => void;
}

/** The file an interactive Herald logs to: LOG_FILE when set, else the data folder's. */
export function interactiveLogFile(logging: LogConfig, interactive: InteractiveLog): string {
  return logging.file ?? interactive.defaultFile;
}

const LEVEL_WORDS: Readonly<Record<number, string>> = { 40: 'warning', 50: 'error', 60: 'fatal error' };

/**
 * One log line (JSON, secrets already cut out) as a person reads it at the prompt: `warning: <what>: <why>`.
 * The request id and other fields stay in the file.
 */
export function formatShortLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const level = typeof entry.level === 'number' ? entry.level : 0;
  const word = LEVEL_WORDS[level] ?? pino.levels.labels[level] ?? 'log';
  const err = (entry.err ?? entry.error) as { message?: unknown } | undefined;
  const why = typeof err?.message === 'string' && err.message ? `: ${err.message.split('\n')[0]}` : '';
  return `${word}: ${String(entry.msg ?? '')}${why}`;
}

/** The higher (quieter) of two levels. */
const quieter = (a: LevelWithSilent, b: LevelWithSilent): LevelWithSilent =>
  levelValue(a) >= levelValue(b) ? a : b;

/**
 * Herald's logger as configured: standard error at LOG_LEVEL (unset: info, or warn for a one-shot command,
 * whose standard output is its answer), LOG_FILE at LOG_FILE_LEVEL, and the credentials cut out of every line.
 * At an interactive prompt (`interactive`), the JSON lines go to the log file instead of standard error, at
 * LOG_LEVEL (or LOG_FILE_LEVEL when LOG_FILE is set), and warnings and errors are also shown, short.
 */
export function loggerFor(
  logging: LogConfig,
  options: { oneShot?: boolean; interactive?: InteractiveLog } = {},
): Logger {
  const { interactive } = options;
  if (interactive) {
    const file = interactiveLogFile(logging, interactive);
    const fileLevel = logging.file ? logging.fileLevel : (logging.level ?? 'info');
    return createLogger({
      // LOG_LEVEL=error (or silent) quietens the prompt further; nothing below a warning reaches it.
      level: quieter('warn', logging.level ?? 'info'),
      destination: { write: (line: string) => interactive.show(formatShortLine(line)) },
      also: [{ level: fileLevel, stream: openLogFile(file) }],
      secrets: logging.secrets,
    });
  }
  return createLogger({
    level: logging.level ?? (options.oneShot ? 'warn' : 'info'),
    also: logging.file ? [{ level: logging.fileLevel, stream: openLogFile(logging.file) }] : [],
    secrets: logging.secrets,
  });
}
