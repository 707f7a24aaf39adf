// The same badge as shields.io's "endpoint badge" JSON (https://shields.io/badges/endpoint-badge): a
// README can show `https://img.shields.io/endpoint?url=<this file's address>` in any of shields' styles.

import type { ComponentState } from '../../bot/types.js';
import { LABEL_COLORS, STATE_COLORS } from './badge-colors.js';

export interface ShieldsEndpoint {
  /** Always 1. */
  schemaVersion: 1;
  label: string;
  /** Never empty (shields refuses an empty message). */
  message: string;
  color: string;
  labelColor: string;
  /** How long shields may cache it: 300 s, shields' minimum. */
  cacheSeconds: number;
}

export function renderShieldsEndpoint(input: {
  label: string;
  message: string;
  state: ComponentState;
}): string {
  const body: ShieldsEndpoint = {
    schemaVersion: 1,
    label: input.label,
    message: input.message,
    color: STATE_COLORS[input.state].background,
    labelColor: LABEL_COLORS.background,
    cacheSeconds: 300,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
