// Signed tokens for the links Herald puts in mails and pages: `v1.<payload>.<signature>`, the payload
// base64url JSON, the signature an HMAC-SHA256 of `v1.<payload>` under a secret only this Herald knows.
// Nothing about a token is stored: a confirmation link carries what was asked (the address and the
// components), so an unconfirmed sign-up writes no row at all, and a flood of them fills no table. Whether
// a token was already used is read from the row it would change (its confirmed or unsubscribed time is
// later than the token), so a reused link is refused without a table of spent tokens.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What a subscriber follows: every component (`all`), or systems (`nc018`) and services (`nc018/smtp`). */
export type Scope = 'all' | string[];

export type TokenPayload =
  /** Follow this link to subscribe this address to this scope (double opt-in). */
  | { kind: 'confirm'; address: string; scope: Scope; issuedAt: number; expiresAt: number }
  /**
   * The second step of a webhook sign-up: the signing secret shown on the page, the URL, the scope, the
   * optional contact address. The test delivery is signed with that secret; a 2xx subscribes it.
   */
  | {
      kind: 'webhook';
      url: string;
      contact: string | null;
      scope: Scope;
      secret: string;
      issuedAt: number;
      expiresAt: number;
    }
  /**
   * A subscriber's manage page and one-click unsubscribe. Bound to the row's id and creation time (never
   * expiring: an old mail's unsubscribe link must keep working), so that it dies with the row.
   */
  | { kind: 'manage' | 'unsubscribe'; id: number; createdAt: number };

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'wrong-kind' };

const VERSION = 'v1';
/** A token longer than this is not one of ours (a confirmation link's scope is bounded by the form). */
export const MAX_TOKEN_LENGTH = 8192;

export interface TokenSigner {
  sign(payload: TokenPayload): string;
  /** Checks the signature, the kind and (for confirm and webhook tokens) the expiry at `now`. */
  verify(token: unknown, kinds: ReadonlyArray<TokenPayload['kind']>, now: number): TokenCheck;
}

export function createTokenSigner(secret: string | Buffer): TokenSigner {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const mac = (body: string) => createHmac('sha256', key).update(body).digest();
  return {
    sign(payload) {
      const body = `${VERSION}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify(token, kinds, now) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
        return { ok: false, reason: 'malformed' };
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
      const [version, data, signature] = parts as [string, string, string];
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(`${version}.${data}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'forged' };
      let payload: TokenPayload;
      try {
        payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as TokenPayload;
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      if (!kinds.includes(payload.kind)) return { ok: false, reason: 'wrong-kind' };
      if ('expiresAt' in payload && !(now < payload.expiresAt)) return { ok: false, reason: 'expired' };
      return { ok: true, payload };
    },
  };
}

export const TOKEN_SECRET_FILE = 'subscriber-token.key';
const MIN_SECRET_LENGTH = 32;

/**
 * The key tokens are signed with: `HERALD_TOKEN_SECRET` when set, else one generated at the first start
 * into the data folder (mode 0600) and kept there, so that links in mails already sent keep working
 * across restarts. Changing or deleting it invalidates every link ever mailed (by design, after a leak).
 */
export function loadTokenSecret(dataDir: string, fromEnv: string | null): Buffer {
  if (fromEnv) {
    if (fromEnv.length < MIN_SECRET_LENGTH)
      throw new Error(`HERALD_TOKEN_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    return Buffer.from(fromEnv, 'utf8');
  }
  const file = path.join(dataDir, TOKEN_SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // `wx`: two processes starting at once cannot both write one; the loser reads the winner's.
    fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (text.length < MIN_SECRET_LENGTH) throw new Error(`${file} is damaged: delete it to make a new key`);
  return Buffer.from(text, 'utf8');
}
