// The addresses of Herald's subscriber endpoints under its public address (HERALD_PUBLIC_URL), and the
// signed links every mail carries: the manage page and the one-click unsubscribe (RFC 8058's
// `List-Unsubscribe: <…>` with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`).

import type { TokenSigner } from './tokens.js';

export const SUBSCRIBE_PATHS = {
  subscribe: 'subscribe',
  confirm: 'subscribe/confirm',
  webhook: 'subscribe/webhook',
  manage: 'subscribe/manage',
  unsubscribe: 'unsubscribe',
} as const;

/** What a manage or unsubscribe link is bound to: a row, by id and creation time. */
export interface SubscriberKey {
  id: number;
  createdAt: number;
}

export interface SubscriberLinks {
  /** Herald's public address, ending in `/`. */
  base: string;
  /** The endpoint's absolute address: `https://herald.example.com/subscribe/confirm`. */
  action(path: keyof typeof SUBSCRIBE_PATHS): string;
  withToken(path: keyof typeof SUBSCRIBE_PATHS, token: string): string;
  /** The subscriber's manage page (never expires; dies with the row). */
  manage(subscriber: SubscriberKey): string;
  /** The one-click unsubscribe: POST it with `List-Unsubscribe=One-Click`; GET shows a button. */
  unsubscribe(subscriber: SubscriberKey): string;
  manageToken(subscriber: SubscriberKey): string;
}

export function createSubscriberLinks(options: { publicUrl: string; signer: TokenSigner }): SubscriberLinks {
  const base = options.publicUrl.replace(/\/?$/, '/');
  const action = (path: keyof typeof SUBSCRIBE_PATHS) => new URL(SUBSCRIBE_PATHS[path], base).href;
  const withToken = (path: keyof typeof SUBSCRIBE_PATHS, token: string) =>
    `${action(path)}?token=${encodeURIComponent(token)}`;
  const manageToken = (s: SubscriberKey) =>
    options.signer.sign({ kind: 'manage', id: s.id, createdAt: s.createdAt });
  return {
    base,
    action,
    withToken,
    manageToken,
    manage: (s) => withToken('manage', manageToken(s)),
    unsubscribe: (s) =>
      withToken(
        'unsubscribe',
        options.signer.sign({ kind: 'unsubscribe', id: s.id, createdAt: s.createdAt }),
      ),
  };
}
