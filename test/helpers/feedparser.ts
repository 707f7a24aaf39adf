// Reads a feed the way a feed reader does: with Python's feedparser (Debian's python3-feedparser), so that
// tests assert on what readers see rather than on our own idea of the XML.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './core.js';

/** Debian's interpreter, by full path: the pyenv `python3` first on PATH cannot import feedparser. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export interface ParsedText {
  value: string;
  /** `text/plain`, `text/html`, ... as feedparser decided. */
  type: string;
  /** What a reader shows: the value itself for plain text; for HTML, tags dropped and entities decoded. */
  text: string;
}

export interface ParsedEntry {
  id: string | null;
  title: ParsedText | null;
  link: string | null;
  /** `published_parsed` as an ISO instant in UTC. */
  published: string | null;
  updated: string | null;
  tags: string[];
  author: string | null;
  summary: ParsedText | null;
  content: ParsedText[];
}

export interface ParsedFeed {
  version: string;
  bozo: boolean;
  bozoException: string | null;
  feed: { title: ParsedText | null; link: string | null; updated: string | null };
  entries: ParsedEntry[];
}

const SCRIPT = `
import calendar, datetime, html, json, re, sys
import feedparser

def instant(t):
    if not t:
        return None
    return datetime.datetime.fromtimestamp(calendar.timegm(t), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')

def detail(d):
    if not d:
        return None
    value, kind = d.get('value', ''), d.get('type', '')
    text = html.unescape(re.sub(r'<[^>]*>', '', value)) if 'html' in kind else value
    return {'value': value, 'type': kind, 'text': text}

d = feedparser.parse(sys.argv[1])
f = d.feed
print(json.dumps({
    'version': d.get('version', ''),
    'bozo': bool(d.bozo),
    'bozoException': repr(d.bozo_exception) if d.bozo else None,
    'feed': {'title': detail(f.get('title_detail')), 'link': f.get('link'), 'updated': instant(f.get('updated_parsed'))},
    'entries': [{
        'id': e.get('id'),
        'title': detail(e.get('title_detail')),
        'link': e.get('link'),
        'published': instant(e.get('published_parsed')),
        'updated': instant(e.get('updated_parsed')),
        'tags': [t.get('term') for t in e.get('tags', [])],
        'author': e.get('author'),
        'summary': detail(e.get('summary_detail')),
        'content': [detail(c) for c in e.get('content', [])],
    } for e in d.entries],
}))
`;

let checked = false;

function requireFeedparser(): void {
  if (checked) return;
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', 'import feedparser'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `${DEBIAN_PYTHON} cannot import feedparser (${probe.error?.message ?? probe.stderr.trim()}); ` +
        'install it with `apt-get install python3-feedparser`',
    );
  }
  checked = true;
}

/** Writes `xml` to a temp file and parses it with feedparser. */
export function parseFeed(xml: string): ParsedFeed {
  requireFeedparser();
  const dir = tempDir('herald-feed-');
  try {
    const file = path.join(dir, 'feed.xml');
    fs.writeFileSync(file, xml);
    const run = spawnSync(DEBIAN_PYTHON, ['-c', SCRIPT, file], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' },
    });
    if (run.status !== 0) throw new Error(`feedparser failed: ${run.error?.message ?? run.stderr}`);
    return JSON.parse(run.stdout) as ParsedFeed;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
