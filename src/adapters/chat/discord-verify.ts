// Discord signs each HTTP interaction with the application's Ed25519 key: the signature covers the
// timestamp header followed by the raw body, byte for byte. node:crypto checks it; no other library.

import { createPublicKey, type KeyObject, verify } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature-ed25519';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';

export type InteractionVerifier = (
  signature: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
) => boolean;

/** The application's public key (64 hex digits, as the Developer Portal shows it) as a node:crypto key. */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error('a Discord public key is 64 hex digits');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') },
    format: 'jwk',
  });
}

export function createInteractionVerifier(publicKeyHex: string): InteractionVerifier {
  const key = discordPublicKey(publicKeyHex);
  return (signature, timestamp, body) => {
    if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,20}$/.test(timestamp)) {
      return false;
    }
    try {
      return verify(
        null,
        Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
        key,
        Buffer.from(signature, 'hex'),
      );
    } catch {
      return false;
    }
  };
}
