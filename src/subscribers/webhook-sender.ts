// Webhooks signed per Standard Webhooks (the `standardwebhooks` package): `webhook-id` (the same on every
// attempt of a message, so that receivers de-duplicate on it), `webhook-timestamp` and `webhook-signature`.
// The URL is checked by the guard at each delivery and the request connects to the address it checked
// (src/subscribers/url-guard.ts). Only a 2xx answer is a success.

import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { SendOutcome } from './mail-sender.js';
import { pinnedLookup, type UrlGuard } from './url-guard.js';

export interface OutgoingWebhook {
  url: string;
  secret: string;
  /** `msg_…`, stable per (post, action, subscriber). */
  id: string;
  body: string;
  /** Seconds since the epoch. */
  timestamp: Date;
}

export interface WebhookSender {
  send(hook: OutgoingWebhook): Promise<SendOutcome>;
}

/** The longest answer body read (and then thrown away). */
const MAX_ANSWER_BYTES = 64 * 1024;

export function createWebhookSender(options: {
  guard: UrlGuard;
  timeoutMs: number;
  userAgent?: string;
}): WebhookSender {
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  return {
    async send(hook) {
      const checked = await options.guard.check(hook.url);
      if (!checked.ok)
        return { ok: false, retry: true, blameSubscriber: true, error: `refused: ${checked.reason}` };
      let signature: string;
      try {
        signature = new Webhook(hook.secret).sign(hook.id, hook.timestamp, hook.body);
      } catch (error) {
        return { ok: false, retry: false, blameSubscriber: true, error: `cannot sign: ${String(error)}` };
      }
      const secure = checked.url.protocol === 'https:';
      return new Promise<SendOutcome>((resolve) => {
        const req = (secure ? https : http).request(
          checked.url,
          {
            method: 'POST',
            agent: secure ? agents.https : agents.http,
            lookup: pinnedLookup(checked.address, checked.family),
            timeout: options.timeoutMs,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(hook.body),
              'user-agent': options.userAgent ?? 'Herald-Webhooks/1',
              'webhook-id': hook.id,
              'webhook-timestamp': String(Math.floor(hook.timestamp.getTime() / 1000)),
              'webhook-signature': signature,
            },
          },
          (res) => {
            let read = 0;
            res.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > MAX_ANSWER_BYTES) res.destroy();
            });
            res.on('error', () => undefined);
            res.on('close', () => {
              const status = res.statusCode ?? 0;
              resolve(
                status >= 200 && status < 300
                  ? { ok: true }
                  : { ok: false, retry: true, blameSubscriber: true, error: `HTTP ${status}` },
              );
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        req.on('error', (error) =>
          resolve({ ok: false, retry: true, blameSubscriber: true, error: error.message.slice(0, 300) }),
        );
        req.end(hook.body);
      });
    },
  };
}
