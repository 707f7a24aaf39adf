// The signed test delivery that confirms a webhook: one POST, signed per the Standard Webhooks
// specification with the secret shown to the person signing up. A 2xx answer subscribes the webhook.
// The URL is checked again just before (url-guard), and the connection goes to the very address that was
// checked (pinnedLookup), so a name that turns private in between (DNS rebinding) reaches nothing.
// Redirects are not followed: a redirect could point anywhere the check refused.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { WebhookTester } from './signup.js';
import { pinnedLookup, type UrlGuard } from './url-guard.js';

export const TEST_EVENT_TYPE = 'subscription.test';

/** POSTs `body` to the checked address; resolves with the status, or rejects on a network error. */
function post(
  url: URL,
  pinned: { address: string; family: 4 | 6 },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinnedLookup(pinned.address, pinned.family),
      timeout: timeoutMs,
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.end(body);
  });
}

export function createWebhookTester(options: {
  timeoutMs: number;
  siteTitle: string;
  guard: UrlGuard;
  now?: () => number;
}): WebhookTester {
  const now = options.now ?? Date.now;
  return async (url, secret) => {
    const checked = await options.guard.check(url);
    if (!checked.ok) return { ok: false, problem: `the webhook URL is refused: ${checked.reason}` };
    const id = `msg_${randomUUID()}`;
    const at = new Date(now());
    const body = JSON.stringify({
      type: TEST_EVENT_TYPE,
      timestamp: at.toISOString(),
      data: { message: `A test delivery from ${options.siteTitle}: answer 2xx to subscribe this webhook.` },
    });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Herald',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      // standardwebhooks is loaded at the first test delivery, not with every command.
      'webhook-signature': new (await import('standardwebhooks')).Webhook(secret).sign(id, at, body),
    };
    try {
      const status = await post(checked.url, checked, headers, body, options.timeoutMs);
      if (status >= 200 && status < 300) return { ok: true, status };
      return { ok: false, problem: `the endpoint answered ${status}` };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        ok: false,
        problem:
          code === 'ETIMEDOUT'
            ? `the endpoint did not answer within ${options.timeoutMs} ms`
            : `the endpoint could not be reached${code ? ` (${code})` : ''}`,
      };
    }
  };
}
