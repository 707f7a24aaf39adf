// Every badge file of the site, from the same view model as the index page (so a badge never says other
// than the page): per system `badges/<system>.svg` and `.json` (its worst state), per service
// `badges/<system>/<service>.svg` and `.json`. Ids are the catalog's (lowercase letters, digits, `.`, `_`,
// `-`, never starting with a dot), so they are safe as file names.

import type { SystemView } from '../site-view.js';
import { renderShieldsEndpoint } from './shields-endpoint.js';
import { renderBadgeSvg } from './svg-badge.js';

export interface BadgeFile {
  /** Relative to the site's root. */
  path: string;
  content: string;
}

function badgePair(base: string, label: string, state: SystemView['state']): BadgeFile[] {
  const input = { label, message: state.word.toLowerCase(), state: state.state };
  return [
    { path: `${base}.svg`, content: renderBadgeSvg(input) },
    { path: `${base}.json`, content: renderShieldsEndpoint(input) },
  ];
}

export function renderBadgeFiles(systems: readonly SystemView[]): BadgeFile[] {
  return systems.flatMap((system) => [
    ...badgePair(`badges/${system.id}`, system.name, system.state),
    ...system.components.flatMap((c) =>
      badgePair(`badges/${system.id}/${c.service}`, `${system.name} ${c.name}`, c.state),
    ),
  ]);
}
