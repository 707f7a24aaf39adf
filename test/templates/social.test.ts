// Social text: what each network would receive, within its limit, the permalink whole.
import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import type { Incident, Post } from '../../src/bot/types.js';
import { renderPost } from '../../src/templates/post.js';
import {
  defuseMentions,
  formatSocialText,
  graphemeLength,
  type Measure,
} from '../../src/templates/social.js';

const zones = [
  { zone: 'America/Vancouver', label: 'Vancouver' },
  { zone: 'Africa/Lusaka', label: 'Lusaka' },
];
const incident: Incident = {
  id: 2,
  kind: 'outage',
  status: 'open',
  title: 'SMTP on NC018 shut down',
  tags: [],
  components: [{ system: 'nc018', service: 'smtp' }],
  impact: 'down',
  openedAt: Date.parse('2012-07-27T21:39:27Z'),
  closedAt: null,
  startsAt: null,
  endsAt: null,
  lastNumber: 2,
};
const post = (text: string, extra: Partial<Post> = {}): Post => ({
  id: 3,
  incidentId: 2,
  number: 2,
  title: 'SMTP on server NC018 restarted',
  text,
  tags: [],
  author: 'ops',
  publishedAt: Date.parse('2012-07-27T22:20:51Z'),
  eventAt: null,
  state: 'operational',
  edits: [],
  retractedAt: null,
  retractReason: null,
  ...extra,
});
const render = (p: Post) => renderPost(p, incident, { baseUrl: 'https://status.ninernet.example/', zones });
const twitter: Measure = { length: (t) => twitterText.parseTweet(t).weightedLength, max: 280 };
const bluesky: Measure = { length: graphemeLength, max: 300 };
const link = 'https://status.ninernet.example/incidents/2.html#post-2';

describe('social text', () => {
  it('is the title, the annotated text and the permalink when it fits', () => {
    const text = formatSocialText(render(post('Restarted at 22:13 UTC.')), 'publish', twitter);
    expect(text).toBe(
      `SMTP on server NC018 restarted\n\nRestarted at 22:13 UTC (15:13 PDT Vancouver · 00:13 CAT Lusaka, 28 July).\n\n${link}`,
    );
  });

  it('cuts a long text at a word with an ellipsis and keeps the permalink, within 280 weighted characters', () => {
    const long = 'We continue to work against the spam, and are escalating the defences. '.repeat(10);
    const text = formatSocialText(render(post(long)), 'publish', twitter);
    expect(twitterText.parseTweet(text).weightedLength).toBeLessThanOrEqual(280);
    expect(twitterText.parseTweet(text).valid).toBe(true);
    expect(text.endsWith(`…\n\n${link}`)).toBe(true);
    expect(text).toMatch(/ [a-z,.]+…\n/);
  });

  it('counts CJK as two for Twitter and graphemes for Bluesky', () => {
    const cjk = '服务器正在维护中'.repeat(30);
    const tweet = formatSocialText(render(post(cjk)), 'publish', twitter);
    expect(twitterText.parseTweet(tweet).weightedLength).toBeLessThanOrEqual(280);
    const family = '👩‍👩‍👧‍👦'.repeat(400);
    const skeet = formatSocialText(render(post(family)), 'publish', bluesky);
    expect(graphemeLength(skeet)).toBeLessThanOrEqual(300);
    expect(skeet).toContain('👩‍👩‍👧‍👦…');
  });

  it('cuts one 2000-character word by graphemes', () => {
    const text = formatSocialText(render(post('x'.repeat(2000))), 'publish', bluesky);
    expect(graphemeLength(text)).toBe(300);
    expect(text.endsWith(`x…\n\n${link}`)).toBe(true);
  });

  it('says what a correction and a retraction are', () => {
    const corrected = render(
      post('original', { edits: [{ id: 1, text: 'corrected text', editedAt: 1, author: 'ops' }] }),
    );
    expect(formatSocialText(corrected, 'edit', twitter)).toBe(
      `Correction: SMTP on server NC018 restarted\n\ncorrected text\n\n${link}`,
    );
    const retracted = render(post('x', { retractedAt: 1, retractReason: 'posted for the wrong server' }));
    expect(formatSocialText(retracted, 'retract', twitter)).toBe(
      `Retracted: SMTP on server NC018 restarted\n\nposted for the wrong server\n\n${link}`,
    );
  });

  it('never lets a typed @name mention anyone', () => {
    expect(defuseMentions('ask @support or @everyone, mail me@example.com')).toBe(
      'ask @\u2060support or @\u2060everyone, mail me@\u2060example.com',
    );
    const text = formatSocialText(render(post('thanks @NinerNetSupport')), 'publish', twitter);
    expect(twitterText.extractMentions(text)).toEqual([]);
  });
});
