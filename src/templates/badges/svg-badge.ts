// A status badge as SVG, in the shape people know from shields.io: the name on grey at the left, the state
// in words on its colour at the right ("NC018 SMTP | operational"). It stands alone as an `<img>` or as a
// file: no scripts, no external fonts, no ids (so two badges inlined in one page cannot clash), and a text
// alternative (role="img", aria-label and <title>) that reads "NC018 SMTP: operational".

import type { ComponentState } from '../../bot/types.js';
import { escapeHtml } from '../html/escape.js';
import { type BadgeColors, LABEL_COLORS, STATE_COLORS } from './badge-colors.js';
import { measureText } from './text-width.js';

const HEIGHT = 20;
/** Space either side of each text. */
const PADDING = 6;
const FONT = 'Verdana,DejaVu Sans,Geneva,sans-serif';
const FONT_SIZE = 11;

export interface BadgeInput {
  /** `NC018 SMTP`: plain text, escaped here. */
  label: string;
  /** `operational`: plain text, escaped here. */
  message: string;
  state: ComponentState;
}

function textPart(text: string, x: number, width: number, colors: BadgeColors): string {
  const length = measureText(text, FONT_SIZE);
  return `<text x="${x + width / 2}" y="14" fill="${colors.text}" text-anchor="middle" textLength="${length}" lengthAdjust="spacingAndGlyphs">${escapeHtml(text)}</text>`;
}

/** The badge's alternative text, as screen readers and image-less viewers get it. */
export const badgeText = (input: Pick<BadgeInput, 'label' | 'message'>): string =>
  `${input.label}: ${input.message}`;

export function renderBadgeSvg(input: BadgeInput): string {
  const colors = STATE_COLORS[input.state];
  const left = measureText(input.label, FONT_SIZE) + 2 * PADDING;
  const right = measureText(input.message, FONT_SIZE) + 2 * PADDING;
  const width = left + right;
  const alt = escapeHtml(badgeText(input));
  // Two halves, each a path with its own two rounded corners: no clipPath, so no id is needed.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" role="img" aria-label="${alt}">
<title>${alt}</title>
<path fill="${LABEL_COLORS.background}" d="M3 0H${left}V${HEIGHT}H3A3 3 0 0 1 0 ${HEIGHT - 3}V3A3 3 0 0 1 3 0Z"/>
<path fill="${colors.background}" d="M${left} 0H${width - 3}A3 3 0 0 1 ${width} 3V${HEIGHT - 3}A3 3 0 0 1 ${width - 3} ${HEIGHT}H${left}Z"/>
<g font-family="${FONT}" font-size="${FONT_SIZE}" aria-hidden="true">
${textPart(input.label, 0, left, LABEL_COLORS)}
${textPart(input.message, left, right, colors)}
</g>
</svg>
`;
}
