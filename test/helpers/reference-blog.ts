// The reference status blog (a copy of shared/reference/status-blog.txt in test/fixtures/), read into its
// posts: what the replay and the import tests compare Herald with.
import fs from 'node:fs';

export interface ReferencePost {
  title: string;
  /** `29 October 2013 08:57:36 +0000`, as the blog shows it. */
  stamp: string;
  text: string;
}

/** The blog's posts, oldest first: in the file, a title, a blank line, the stamp, then the text. */
export function readReferenceBlog(): ReferencePost[] {
  const lines = fs.readFileSync(new URL('../fixtures/status-blog.txt', import.meta.url), 'utf8').split('\n');
  const isStamp = (l: string) => /^\d{1,2} \w+ \d{4} \d\d:\d\d:\d\d \+0000$/.test(l);
  const starts = lines.flatMap((l, i) => (isStamp(l) ? [i] : []));
  return starts
    .map((s, n) => {
      const next = starts[n + 1];
      const body = lines.slice(s + 1, next === undefined ? lines.indexOf('NinerNet home page') : next - 2);
      return {
        title: lines[s - 2] ?? '',
        stamp: lines[s] ?? '',
        text: body
          .join('\n')
          .replace(/\n{3,}/g, '\n\n')
          .trim(),
      };
    })
    .reverse();
}
