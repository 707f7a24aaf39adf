// The signed test delivery that confirms a webhook: one POST, signed per the Standard Webhooks
// specification with the secret shown to the person signing up. A 2xx answer subscribes the webhook;
// redirects are not followed (a redirect could point anywhere the URL check refused).

import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { WebhookTester } from './signup.js';

export const TEST_EVENT_TYPE = 'subscription.test';

export function createWebhookTester(options: {
  timeoutMs: number;
  siteTitle: string;
  now?: () => number;
}): WebhookTester {
  const now = options.now ?? Date.now;
  return async (url, secret) => {
    const id = `msg_${randomUUID()}`;
    const at = new Date(now());
    const body = JSON.stringify({
      type: TEST_EVENT_TYPE,
      timestamp: at.toISOString(),
      data: { message: `A test delivery from ${options.siteTitle}: answer 2xx to subscribe this webhook.` },
    });
    const signature = new Webhook(secret).sign(id, at, body);
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      return { ok: false, problem: `the endpoint answered ${response.status}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const name = (error as Error).name;
      return {
        ok: false,
        problem:
          name === 'TimeoutError'
            ? 'the endpoint did not answer in time'
            : `the endpoint could not be reached${cause ? ` (${cause})` : ''}`,
      };
    }
  };
}
