// Request ids: one per incoming command (a slash command, a button press, a shell line, `herald run`). It is
// on the command's log lines and stored with every delivery the command queues, so that one search of the
// log follows a command from chat to each network, even across a restart.

import { randomBytes } from 'node:crypto';

export type RequestSurface = 'slack' | 'discord' | 'shell' | 'run' | 'herald' | 'hook';

/**
 * `slack:<trigger_id>`, `discord:<interaction id>`: the platform's own id for the request when it gives one,
 * so that Herald's log meets the platform's; otherwise the surface and a random id (`shell:Qk3v0sX1Lw8`).
 */
export function newRequestId(surface: RequestSurface, platformId?: string): string {
  return `${surface}:${platformId || randomBytes(8).toString('base64url')}`;
}
