// What the site outlet writes besides the pages and feeds, from the index's own view model: the status
// badges (SVG and shields.io JSON, src/templates/badges/) and the embeddable widget (widget.html).
// A badge changes only when its component's state (or name) does, and the widget only when the overall
// state or the open incidents do, so each is written only then: the content last written is remembered,
// and an unchanged file that is still there is left alone.
// A rebuild (`herald rebuild`, the rebuild at `herald start`) forgets it first, so it writes every badge.

import fs from 'node:fs';
import path from 'node:path';
import { renderBadgeFiles } from '../../templates/badges/badge-files.js';
import { renderWidgetHtml, WIDGET_FILE } from '../../templates/html/widget-page.js';
import type { IndexView } from '../../templates/site-view.js';

export interface SiteExtras {
  /** Writes the badges and the widget where they changed; adds the files written to `written`. */
  write(view: IndexView, written: string[]): void;
  /** Forgets what was written, so that the next `write` writes every badge (a rebuild). */
  forget(): void;
}

export function createSiteExtras(options: {
  publicDir: string;
  /** The outlet's atomic write, which records the file in `written`. */
  write: (relative: string, content: string, written: string[]) => void;
}): SiteExtras {
  const { publicDir, write } = options;
  const last = new Map<string, string>();
  return {
    write(view, written) {
      const files = [
        ...renderBadgeFiles(view.systems),
        { path: WIDGET_FILE, content: renderWidgetHtml(view) },
      ];
      for (const file of files) {
        if (last.get(file.path) === file.content && fs.existsSync(path.join(publicDir, file.path))) continue;
        write(file.path, file.content, written);
        last.set(file.path, file.content);
      }
    },
    forget: () => last.clear(),
  };
}
