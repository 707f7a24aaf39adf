// How an old blog's posts become incidents: series by title, within a gap, numbered in date order.
import { describe, expect, it } from 'vitest';
import type { ImportGroup } from '../../src/bot/ports.js';
import {
  type BlogPost,
  GAP_DAYS,
  groupPosts,
  seriesTitle,
  updateNumber,
} from '../../src/import/group-posts.js';
import { readReferenceBlog } from '../helpers/reference-blog.js';
import { stampInstant } from './blog-feed.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2013, 0, 1);

let position = 0;
function post(title: string, day: number, tags: string[] = []): BlogPost {
  position += 1;
  return {
    key: `k${position}`,
    title,
    text: title,
    tags,
    author: 'NinerNet',
    publishedAt: T0 + day * DAY,
    position,
  };
}

/** Each group as [incident title or id, [post number, post title]...]. */
const shape = (groups: ImportGroup[]) =>
  groups.map((g) => [
    'create' in g.incident ? g.incident.create.title : `#${g.incident.id}`,
    g.posts.map((p) => [p.post.number, p.post.title]),
  ]);

describe('seriesTitle', () => {
  it.each([
    ['Email migration: Update 14', 'Email migration'],
    ['Server NC018 replacement - Update 6', 'Server NC018 replacement'],
    ['Server NC018 replacement – Update 6', 'Server NC018 replacement'],
    ['Spam defences on server NC018 (Update)', 'Spam defences on server NC018'],
    ['Spam defences (update 2)', 'Spam defences'],
    ['Spam defences on server NC018', 'Spam defences on server NC018'],
    ['Update 3', 'Update 3'],
    ['Backups: Update 2 (Update)', 'Backups'],
    ['Email migration: Update 14 done', 'Email migration: Update 14 done'],
  ])('%s → %s', (title, series) => {
    expect(seriesTitle(title)).toBe(series);
  });
});

describe('groupPosts', () => {
  it('groups the reference blog into five incidents, each series in date order', () => {
    const blog = readReferenceBlog().map((p, i) => ({
      key: String(i),
      title: p.title,
      text: p.text,
      tags: [],
      author: 'NinerNet',
      publishedAt: stampInstant(p.stamp).getTime(),
      position: 10 - i,
    }));
    const groups = groupPosts([...blog].reverse(), []);
    expect(shape(groups)).toEqual([
      [
        'SMTP on server NC018 restarted',
        [
          [1, 'SMTP on server NC018 restarted'],
          [2, 'SMTP on server NC018 restarted'],
        ],
      ],
      ['SMTP on NC018 shut down', [[1, 'SMTP on NC018 shut down']]],
      [
        'Server NC018 replacement',
        [
          [1, 'Server NC018 replacement: Update 1'],
          [6, 'Server NC018 replacement: Update 6'],
        ],
      ],
      [
        'Spam defences on server NC018',
        [
          [1, 'Spam defences on server NC018'],
          [2, 'Spam defences on server NC018'],
          [3, 'Spam defences on server NC018'],
        ],
      ],
      [
        'Email migration',
        [
          [13, 'Email migration: Update 13'],
          [14, 'Email migration: Update 14'],
        ],
      ],
    ]);
    const migration = groups[4]?.incident;
    expect(migration && 'create' in migration ? migration.create : null).toMatchObject({
      kind: 'notice',
      status: 'resolved',
      components: [],
      impact: null,
      openedAt: Date.parse('2013-10-16T10:09:43Z'),
      closedAt: Date.parse('2013-10-29T08:57:36Z'),
      lastNumber: 14,
    });
  });

  it(`opens a new incident after more than ${GAP_DAYS} days of silence, and matches titles ignoring case`, () => {
    const groups = groupPosts(
      [
        post('Backups: Update 1', 0),
        post('backups: update 2', GAP_DAYS),
        post('Backups: Update 3', 2 * GAP_DAYS + 1),
      ],
      [],
    );
    expect(shape(groups)).toEqual([
      [
        'Backups',
        [
          [1, 'Backups: Update 1'],
          [2, 'backups: update 2'],
        ],
      ],
      ['Backups', [[3, 'Backups: Update 3']]],
    ]);
  });

  it("gathers an incident's tags from its posts", () => {
    const [group] = groupPosts([post('Spam', 0, ['spam']), post('Spam', 1, ['smtp', 'spam'])], []);
    expect(group && 'create' in group.incident ? group.incident.create.tags : null).toEqual(['spam', 'smtp']);
  });

  it("continues an earlier import's incident after its last post, never before it", () => {
    const earlier = [
      { incidentId: 7, title: 'Email migration', tags: ['email'], lastAt: T0 + 10 * DAY, lastNumber: 14 },
    ];
    const groups = groupPosts(
      [post('Email migration: Update 15', 20, ['migration']), post('Email migration: Update 12', 5)],
      earlier,
    );
    expect(shape(groups)).toEqual([
      ['Email migration', [[12, 'Email migration: Update 12']]],
      ['#7', [[15, 'Email migration: Update 15']]],
    ]);
    expect(groups[1]?.incident).toEqual({
      id: 7,
      patch: { status: 'resolved', closedAt: T0 + 20 * DAY, lastNumber: 15, tags: ['email', 'migration'] },
    });
  });

  it('keeps the number a title gives when it follows the one before it, and numbers after it otherwise', () => {
    const groups = groupPosts(
      [
        post('Backups', 0),
        post('Backups: Update 4', 1),
        post('Backups: Update 4', 2),
        post('Backups: Update 2', 3),
        post('Backups (Update 9)', 4),
      ],
      [],
    );
    expect(shape(groups)).toEqual([
      [
        'Backups',
        [
          [1, 'Backups'],
          [4, 'Backups: Update 4'],
          [5, 'Backups: Update 4'],
          [6, 'Backups: Update 2'],
          [9, 'Backups (Update 9)'],
        ],
      ],
    ]);
    expect(updateNumber('Email migration: Update 14')).toBe(14);
    expect(updateNumber('Email migration: Update 14 done')).toBeNull();
    expect(updateNumber('Update 0: nothing')).toBeNull();
  });
});
