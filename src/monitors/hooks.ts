// The monitors' doors (docs/monitors.md, docs/contract.md):
//
//   POST /hooks/alertmanager  Prometheus Alertmanager's webhook (payload version 4), with the bearer token
//                             or basic auth its `http_config` sends (HERALD_ALERTMANAGER_TOKEN, or
//                             HERALD_ALERTMANAGER_USER and _PASSWORD); 401 without.
//   POST /hooks/status        {"component": "nc018 smtp", "state": "down", "message": "…", "id": "…"},
//                             signed per Standard Webhooks (HERALD_STATUS_HOOK_SECRET, the
//                             `standardwebhooks` package): forged and stale refused (401), a replayed
//                             webhook-id refused (409).
//
// Like a chat request, a notification is appended to the durable inbox before it is acknowledged
// ("acknowledged means recorded"), and the inbox's one worker turns it into proposals in the row's own
// transaction (src/monitors/monitors.ts). The request's answer never waits for the proposal.

import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { type Inbox, InboxClosedError } from '../adapters/chat/inbox.js';
import type { Surface } from '../adapters/chat/inbox-worker.js';
import type { CoreSettings } from '../bot/catalog.js';
import type { Clock } from '../bot/handle-command.js';
import type { Logger } from '../logger.js';
import type { MonitorMetrics } from '../metrics.js';
import type { InboxRow } from '../store/inbox.js';
import type { MonitorAlert, MonitorNotice, Monitors } from './monitors.js';
import { type HookSecrets, resolveComponents } from './monitors-config.js';

/** The inbox rows' platform: the worker hands them to this module's surface. */
export const MONITOR_PLATFORM = 'monitor';

/** Alertmanager sends every alert of a group in one request: thousands of alerts fit. */
export const ALERTMANAGER_BODY_LIMIT = 4 * 1024 * 1024;
/** The generic hook's body is a few lines. */
export const STATUS_BODY_LIMIT = 16 * 1024;
/** A label or annotation value is kept to this many characters (the rest never reaches a post anyway). */
const VALUE_LIMIT = 1024;

const text = (max: number) => z.string().max(max);
const labelSet = z.record(z.string().max(256), z.string()).default({});

/** Alertmanager's webhook payload, version 4 (notify/webhook in Alertmanager's source). */
const alertmanagerPayload = z.object({
  version: z.literal('4', { error: 'expected Alertmanager\'s webhook payload, version "4"' }),
  groupKey: text(64 * 1024).min(1),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().default(''),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string().default(''),
  alerts: z.array(
    z.object({
      status: z.enum(['firing', 'resolved']),
      labels: labelSet,
      annotations: labelSet,
      startsAt: z.string().default(''),
      endsAt: z.string().default(''),
      generatorURL: z.string().default(''),
      fingerprint: z.string().max(256).default(''),
    }),
  ),
});

/** POST /hooks/status: what any monitor sends. */
export const statusHookBody = z.strictObject({
  /** A system and its services, as staff type them: `nc018 smtp`. */
  component: text(200).min(1),
  /** `down`, `degraded`, or `operational` (also `up`, `ok`, `resolved`): the alert is over. */
  state: z.enum(['down', 'degraded', 'operational', 'up', 'ok', 'resolved']),
  /** What the monitor saw, in a few words (a summary for the templates; never published as it is). */
  message: text(2000).default(''),
  /** Groups notifications into one proposal (a check's name); the component when left out. */
  id: text(200).min(1).optional(),
});

const bounded = (values: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.slice(0, VALUE_LIMIT)]));

const instant = (value: string): number | null => {
  const at = Date.parse(value);
  // Alertmanager writes the zero time (0001-01-01) for "not set".
  return Number.isFinite(at) && at > 0 ? at : null;
};

/** Compares secrets in constant time (their digests have one length whatever the input's). */
const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );

/** Whether the Authorization header carries the configured bearer token or basic auth. */
export function authorized(header: string | undefined, secrets: HookSecrets): boolean {
  if (!header) return false;
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && secrets.alertmanagerToken) return sameSecret(value, secrets.alertmanagerToken);
  if (scheme === 'basic' && secrets.alertmanagerBasic) {
    const { username, password } = secrets.alertmanagerBasic;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return sameSecret(decoded, `${username}:${password}`);
  }
  return false;
}

const zodMessage = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');

export interface MonitorHooksOptions {
  monitors: Pick<Monitors, 'receive'>;
  secrets: HookSecrets;
  settings: CoreSettings;
  inbox: Inbox;
  clock: Clock;
  log: Logger;
  metrics?: Pick<MonitorMetrics, 'hook'>;
}

export interface MonitorHooks {
  /** Mounted at /hooks on Herald's server. */
  routes: Array<{ path: string; router: Router }>;
  /** The inbox worker's surface for the hooks' rows. */
  surface: Surface;
}

export function createMonitorHooks(options: MonitorHooksOptions): MonitorHooks {
  const { secrets, settings, inbox, clock, metrics } = options;
  const log = options.log.child({ component: 'hooks' });
  const router = express.Router();
  const webhook = secrets.statusHookSecret ? new Webhook(secrets.statusHookSecret) : null;

  const refuse = (
    res: express.Response,
    hook: string,
    status: number,
    result: string,
    message: string,
  ): void => {
    metrics?.hook(hook, result);
    log.info({ hook, status, result }, 'hook request refused');
    res.status(status).set('Cache-Control', 'no-store').json({ ok: false, error: result, message });
  };

  /** Appends the notice; answers once it is on disk. */
  async function record(
    res: express.Response,
    hook: string,
    requestId: string,
    notice: MonitorNotice,
    onRepeat: () => void,
  ): Promise<void> {
    let fresh: boolean;
    try {
      ({ fresh } = await inbox.append({
        requestId,
        platform: MONITOR_PLATFORM,
        kind: notice.source,
        payload: notice,
        receivedAt: clock.now(),
      }));
    } catch (error) {
      if (error instanceof InboxClosedError) {
        refuse(res, hook, 503, 'stopping', 'Herald is stopping; send it again');
        return;
      }
      throw error;
    }
    if (!fresh) {
      onRepeat();
      return;
    }
    metrics?.hook(hook, 'accepted');
    res.status(200).set('Cache-Control', 'no-store').json({ ok: true, recorded: true });
  }

  router.post(
    '/alertmanager',
    (req, res, next) => {
      // Before the body is read: an unauthenticated sender gets nothing parsed.
      if (!authorized(req.headers.authorization, secrets)) {
        res.set('WWW-Authenticate', 'Bearer realm="herald", Basic realm="herald"');
        const off = !secrets.alertmanagerToken && !secrets.alertmanagerBasic;
        refuse(
          res,
          'alertmanager',
          401,
          'unauthorized',
          off
            ? 'this hook is off: set HERALD_ALERTMANAGER_TOKEN (or _USER and _PASSWORD) on Herald'
            : 'expected the bearer token or basic auth configured in Alertmanager’s http_config',
        );
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: ALERTMANAGER_BODY_LIMIT }),
    async (req, res, next) => {
      try {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          refuse(res, 'alertmanager', 400, 'bad_request', 'the body is not JSON');
          return;
        }
        const parsed = alertmanagerPayload.safeParse(json);
        if (!parsed.success) {
          refuse(res, 'alertmanager', 400, 'bad_request', zodMessage(parsed.error));
          return;
        }
        const p = parsed.data;
        const notice: MonitorNotice = {
          source: 'alertmanager',
          groupKey: p.groupKey,
          status: p.status,
          truncated: p.truncatedAlerts,
          alerts: p.alerts.map(
            (a): MonitorAlert => ({
              status: a.status,
              labels: bounded({ ...p.commonLabels, ...a.labels }),
              annotations: bounded({ ...p.commonAnnotations, ...a.annotations }),
              startsAt: instant(a.startsAt),
              fingerprint:
                a.fingerprint ||
                createHash('sha256').update(JSON.stringify(a.labels)).digest('hex').slice(0, 16),
            }),
          ),
        };
        // Alertmanager retries a notification it got no answer to: the same body is recorded once.
        const digest = createHash('sha256').update(body).digest('base64url');
        await record(res, 'alertmanager', `alertmanager:${digest}`, notice, () => {
          metrics?.hook('alertmanager', 'duplicate');
          res
            .status(200)
            .set('Cache-Control', 'no-store')
            .json({ ok: true, recorded: true, duplicate: true });
        });
      } catch (error) {
        next(error);
      }
    },
  );

  router.post(
    '/status',
    express.raw({ type: () => true, limit: STATUS_BODY_LIMIT }),
    async (req, res, next) => {
      try {
        if (!webhook) {
          refuse(
            res,
            'status',
            401,
            'unauthorized',
            'this hook is off: set HERALD_STATUS_HOOK_SECRET on Herald',
          );
          return;
        }
        const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        const headers = {
          'webhook-id': String(req.headers['webhook-id'] ?? ''),
          'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
          'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
        };
        let json: unknown;
        try {
          json = webhook.verify(body, headers);
        } catch (error) {
          const why = error instanceof WebhookVerificationError ? error.message : 'the body is not JSON';
          const stale = /timestamp/i.test(why);
          refuse(
            res,
            'status',
            error instanceof WebhookVerificationError ? 401 : 400,
            stale ? 'stale' : error instanceof WebhookVerificationError ? 'forged' : 'bad_request',
            stale
              ? `${why}: a signed request is taken within 5 minutes of its webhook-timestamp`
              : `${why}: sign the body per Standard Webhooks with HERALD_STATUS_HOOK_SECRET`,
          );
          return;
        }
        const parsed = statusHookBody.safeParse(json);
        if (!parsed.success) {
          refuse(res, 'status', 400, 'bad_request', zodMessage(parsed.error));
          return;
        }
        const b = parsed.data;
        const components = resolveComponents(settings.catalog, b.component);
        if (typeof components === 'string') {
          refuse(res, 'status', 422, 'unknown_component', `component: ${components}; nothing was recorded`);
          return;
        }
        const over = b.state !== 'down' && b.state !== 'degraded';
        const key = components.map((c) => `${c.system} ${c.service}`).join(',');
        const signedAt = Number(headers['webhook-timestamp']) * 1000;
        const notice: MonitorNotice = {
          source: 'status-hook',
          groupKey: b.id ?? key,
          status: over ? 'resolved' : 'firing',
          truncated: 0,
          alerts: [
            {
              status: over ? 'resolved' : 'firing',
              labels: { component: key },
              components,
              annotations: { summary: b.message },
              startsAt: Number.isFinite(signedAt) ? signedAt : null,
              fingerprint: key,
              ...(over ? {} : { state: b.state as 'down' | 'degraded' }),
            },
          ],
        };
        await record(res, 'status', `status-hook:${headers['webhook-id']}`, notice, () =>
          refuse(
            res,
            'status',
            409,
            'replayed',
            'this webhook-id was already received: it was recorded once',
          ),
        );
      } catch (error) {
        next(error);
      }
    },
  );

  // A body over the limit (express.raw's 413) or unreadable: a short JSON answer, counted.
  router.use(
    (
      error: { status?: number; type?: string },
      req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      const hook = req.path.includes('alertmanager') ? 'alertmanager' : 'status';
      if (error.status === 413) {
        refuse(res, hook, 413, 'too_large', 'the body is too large; nothing was recorded');
        return;
      }
      if (error.status === 400) {
        refuse(res, hook, 400, 'bad_request', 'the body could not be read');
        return;
      }
      next(error);
    },
  );

  const surface: Surface = {
    platform: MONITOR_PLATFORM,
    async prepare(row: InboxRow) {
      const notice = row.payload as MonitorNotice;
      return { kind: 'monitor', receive: () => options.monitors.receive(notice) };
    },
    // The monitor had its answer at the door; the proposals are shown on the boards by the service.
    async answer() {},
    async apologise(row: InboxRow) {
      log.error({ requestId: row.requestId }, 'a monitor notification could not be worked');
    },
  };

  return { routes: [{ path: '/hooks', router }], surface };
}
