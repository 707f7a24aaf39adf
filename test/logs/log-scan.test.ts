// The scanner that test/log-scan/ runs over the whole suite's logs: it must see a credential in any form a
// log line can hold it, say where, and count what it read (so that an empty capture cannot pass).

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { tempDir } from '../helpers/core.js';
import { TEST_CREDENTIALS as C, TEST_SECRET_PATTERNS, TEST_SECRETS } from '../helpers/credentials.js';
import { credentialsIn, scanCapture, summarize } from '../log-scan/scan.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the log scanner', () => {
  it('flags a line holding a test credential as written, JSON-escaped or percent-encoded', () => {
    const line = (o: unknown) => JSON.stringify({ level: 30, msg: 'x', ...(o as object) });
    expect(credentialsIn(line({ auth: `Bearer ${C.slack.botToken}` }), TEST_SECRETS)).toEqual([
      'xoxb… (19 characters)',
    ]);
    expect(
      credentialsIn(line({ body: `password=${encodeURIComponent('p@ss word/+')}` }), ['p@ss word/+']),
    ).toHaveLength(1);
    expect(credentialsIn(line({ quoted: 'say "hi" \\ now' }), ['say "hi" \\ now'])).toHaveLength(1);
    expect(credentialsIn(`OAuth oauth_token="${C.twitter.accessToken}"`, TEST_SECRETS)).toHaveLength(1);
  });

  it('flags the session tokens the fakes make up, by their pattern', () => {
    expect(
      credentialsIn(
        '{"msg":"refresh fake-refresh-0123456789abcdef01234567"}',
        TEST_SECRETS,
        TEST_SECRET_PATTERNS,
      ),
    ).toEqual(['fake… (37 characters)']);
  });

  it('passes lines without credentials, also Herald’s own redacted lines', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'debug',
      destination: { write: (l: string) => lines.push(l) },
      secrets: TEST_SECRETS,
    });
    log.info({ token: C.discordToken, text: `posted with ${C.mastodonToken}` }, 'a line');
    expect(lines).toHaveLength(1);
    expect(credentialsIn(lines[0] ?? '', TEST_SECRETS, TEST_SECRET_PATTERNS)).toEqual([]);
    expect(
      credentialsIn('{"msg":"nc018 smtp down: spam cleanup"}', TEST_SECRETS, TEST_SECRET_PATTERNS),
    ).toEqual([]);
  });

  it('reads every capture file, says where a credential is, and counts files and lines by kind', () => {
    const dir = tempDir('herald-scan-');
    dirs.push(dir);
    fs.writeFileSync(
      path.join(dir, 'in-process-a.log'),
      '{"msg":"one","requestId":"shell:x"}\n{"msg":"two"}\n',
    );
    fs.writeFileSync(path.join(dir, 'child-b.log'), `{"msg":"ok"}\n{"msg":"leak ${C.blueskyAppPassword}"}\n`);
    fs.writeFileSync(path.join(dir, 'stderr-c.log'), '{"token":"[redacted]"}');
    fs.writeFileSync(path.join(dir, 'notes.txt'), C.slack.botToken);
    const report = scanCapture(dir, TEST_SECRETS, TEST_SECRET_PATTERNS);
    expect(report).toEqual({
      files: 3,
      lines: 5,
      byKind: {
        'in-process': { files: 1, lines: 2 },
        child: { files: 1, lines: 2 },
        stderr: { files: 1, lines: 1 },
      },
      redactedLines: 1,
      requestIdLines: 1,
      leaks: [{ file: 'child-b.log', line: 2, credential: 'abcd… (19 characters)' }],
    });
    expect(summarize(report)).toBe(
      'log scan: 5 lines in 3 files (in-process 1 files / 2 lines, child 1 files / 2 lines, stderr 1 files / 1 lines); 1 lines with something redacted, 1 with a request id; 1 credentials found',
    );
  });
});
