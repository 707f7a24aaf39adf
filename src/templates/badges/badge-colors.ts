// The colours of a badge. Every pair keeps white text at WCAG AA contrast (4.5:1 or more) on its
// background — test/api/badges-browser.test.ts computes it from the colours Chromium renders — and the state
// is always in words too, so no one depends on telling the colours apart.

import type { ComponentState } from '../../bot/types.js';

export interface BadgeColors {
  background: string;
  text: string;
}

/** The left half (the name): white on #555, 7.5:1. */
export const LABEL_COLORS: BadgeColors = { background: '#555555', text: '#ffffff' };

/** The right half (the state): 5.1:1, 4.9:1, 5.4:1 and 5.2:1. */
export const STATE_COLORS: Readonly<Record<ComponentState, BadgeColors>> = {
  operational: { background: '#1a7f37', text: '#ffffff' },
  degraded: { background: '#9a6700', text: '#ffffff' },
  down: { background: '#cf222e', text: '#ffffff' },
  maintenance: { background: '#0969da', text: '#ffffff' },
};
