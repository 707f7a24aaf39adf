// Previews and repeated requests: what a chat button or a platform's retry can and cannot do.

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCore, ops, recorded, type TestCore } from '../helpers/core.js';
import { dumpDatabase } from '../store/dump.js';

let core: TestCore;
beforeEach(() => {
  core = createTestCore({ now: '2012-07-27T21:39:27Z' });
});
afterEach(() => core.close());

const TTL = 15 * 60_000;
const postsAndIncidents = () => {
  const db = new Database(path.join(core.dir, 'herald.db'), { readonly: true });
  try {
    return dumpDatabase(db)
      .split('\n## ')
      .filter((t) => /^(posts|incidents|components|deliveries) /.test(t))
      .join('\n');
  } finally {
    db.close();
  }
};

describe('a preview', () => {
  it('shows the post as it would be published and writes nothing of it', () => {
    const before = postsAndIncidents();
    const p = core.service.preview({ text: 'nc018 smtp down "spam cleanup"', actor: ops }, TTL);
    expect(p).toMatchObject({
      kind: 'preview',
      incident: { id: 1, title: 'SMTP on NC018 shut down', status: 'open' },
      post: { number: 1, title: 'SMTP on NC018 shut down', text: 'spam cleanup' },
      outlets: ['site', 'twitter', 'mastodon', 'bluesky'],
      expiresAt: core.now() + TTL,
    });
    expect(postsAndIncidents()).toBe(before);
    expect(core.store.incidents()).toEqual([]);
  });

  it('is published by its author with Publish, once, even when the button is pressed twice', () => {
    const p = core.service.preview({ text: 'nc018 smtp down "spam cleanup"', actor: ops }, TTL);
    if (p.kind !== 'preview') throw new Error(p.kind);
    core.setNow(core.now() + 60_000);
    const published = recorded(
      core.service.confirm({ previewId: p.previewId, actor: ops, requestKey: 'click-1' }),
    );
    expect(published.post).toMatchObject({ number: 1, text: 'spam cleanup', publishedAt: core.now() });
    expect(core.service.confirm({ previewId: p.previewId, actor: ops, requestKey: 'click-2' })).toMatchObject(
      {
        kind: 'duplicate',
        postId: published.post?.id,
      },
    );
    expect(core.service.confirm({ previewId: p.previewId, actor: ops, requestKey: 'click-1' })).toMatchObject(
      { kind: 'duplicate' },
    );
    expect(core.store.postsOf(1)).toHaveLength(1);
    expect(core.store.preview(p.previewId)).toMatchObject({
      status: 'published',
      postId: published.post?.id,
    });
  });

  it('cannot be published by anyone else, after Cancel, or after it expires', () => {
    const a = core.service.preview({ text: 'nc018 smtp down "spam cleanup"', actor: ops }, TTL);
    if (a.kind !== 'preview') throw new Error(a.kind);
    const other = { platform: 'shell' as const, id: 'mallory', name: 'mallory' };
    expect(core.service.confirm({ previewId: a.previewId, actor: other })).toMatchObject({
      kind: 'refused',
      code: 'not_author',
    });
    expect(core.service.cancel({ previewId: a.previewId, actor: other })).toMatchObject({
      kind: 'refused',
      code: 'not_author',
    });
    expect(core.service.cancel({ previewId: a.previewId, actor: ops })).toEqual({
      kind: 'cancelled',
      previewId: a.previewId,
    });
    expect(core.service.confirm({ previewId: a.previewId, actor: ops })).toMatchObject({
      kind: 'refused',
      code: 'preview_closed',
    });

    const b = core.service.preview({ text: 'nc018 smtp down "spam cleanup"', actor: ops }, TTL);
    if (b.kind !== 'preview') throw new Error(b.kind);
    core.setNow(core.now() + TTL + 1);
    expect(core.service.confirm({ previewId: b.previewId, actor: ops })).toMatchObject({
      kind: 'refused',
      code: 'preview_expired',
    });
    expect(core.service.confirm({ previewId: 'nope', actor: ops })).toMatchObject({
      kind: 'refused',
      code: 'unknown_preview',
    });
    expect(core.store.incidents()).toEqual([]);
  });

  it('is refused like the command itself when the command is bad, and writes no preview', () => {
    expect(core.service.preview({ text: 'nc81 smtp down "x"', actor: ops }, TTL)).toMatchObject({
      kind: 'refused',
      code: 'unknown_system',
    });
    expect(core.service.preview({ text: 'list', actor: ops }, TTL)).toMatchObject({ kind: 'list' });
  });

  it('reads relative times as they were when it was shown', () => {
    core.setNow('2012-07-27T23:59:00Z');
    const p = core.service.preview({ text: 'nc018 smtp down "x" --at 23:50', actor: ops }, TTL);
    if (p.kind !== 'preview') throw new Error(p.kind);
    core.setNow('2012-07-28T00:01:00Z');
    const out = recorded(core.service.confirm({ previewId: p.previewId, actor: ops }));
    expect(out.post?.eventAt).toBe(Date.parse('2012-07-27T23:50:00Z'));
  });
});

describe('a repeated request', () => {
  it('changes nothing twice: the same request key three times gives one post', () => {
    const input = {
      text: 'nc018 smtp down "spam cleanup"',
      actor: ops,
      requestKey: 'slack:trigger:1234.5678',
    };
    recorded(core.service.handle(input));
    expect(core.service.handle(input)).toMatchObject({ kind: 'duplicate', incidentId: 1 });
    expect(core.service.handle(input)).toMatchObject({ kind: 'duplicate', incidentId: 1 });
    expect(core.store.postsOf(1)).toHaveLength(1);
    // A different request with the same words is a new command: an update of the same incident.
    recorded(core.service.handle({ ...input, requestKey: 'slack:trigger:9999' }));
    expect(core.store.postsOf(1)).toHaveLength(2);
  });
});
