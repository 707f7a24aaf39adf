// The whole path a client takes, in headless Chromium (Debian's, driven by playwright-core): the subscribe
// page reached from the status page, the form filled and submitted without JavaScript, the confirmation
// mail received by a real SMTP server on loopback and its link followed in the browser; then the next post
// recorded at the shell arrives in the mailbox, and after the one-click unsubscribe (a POST as mail
// providers send it, to the List-Unsubscribe address) the one after does not.
import fs from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIBERS_OUTLET } from '../../src/subscribers/outlet.js';
import { linkIn, postForm, type SignupWorld, startSignupWorld } from './signup-world.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

describe('subscribing in a browser, then receiving and unsubscribing', () => {
  let world: SignupWorld;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const ADDRESS = 'client@example.com';

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    world = await startSignupWorld({ now: '2012-07-27T21:00:00Z' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    const context = await browser.newContext({ javaScriptEnabled: false });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(world.url)) problems.push(`request outside Herald: ${r.url()}`);
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('signs up from the status page with JavaScript off, and confirms from the mailed link', async () => {
    await page.goto(`${world.url}index.html`);
    await page.getByRole('link', { name: 'Subscribe to updates' }).click();
    await page.waitForURL(/subscribe\.html$/);
    await page.getByLabel('E-mail address').fill(ADDRESS);
    await page.getByLabel('Only those ticked below').check();
    await page.getByLabel('SMTP').first().check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(/\/subscribe$/);
    expect(await page.locator('h1').innerText()).toBe('Check your mail');

    const mail = await world.mailbox.next(ADDRESS);
    const link = linkIn(mail.text ?? '', world.url, 'subscribe/confirm');
    expect(world.app.herald.subscribers.list()).toEqual([]);
    await page.goto(link);
    expect(await page.locator('h1').innerText()).toBe('Subscribed');
    expect(await page.locator('main').innerText()).toContain('SMTP on NC018');
    expect(world.app.herald.subscribers.byAddress('email', ADDRESS)).toMatchObject({
      status: 'active',
      scope: [{ system: 'nc018', service: 'smtp' }],
    });
    expect(problems).toEqual([]);
  }, 60_000);

  let unsubscribeUrl = '';

  it('mails the next post on a followed component, with the one-click unsubscribe headers', async () => {
    world.app.setNow('2012-07-27T21:39:27Z');
    world.app.record('nc018 smtp down "We are once again dealing with a spam problem on NC018." --at 21:30');
    // Another component's post goes to nobody who follows only SMTP on NC018.
    world.app.record('nc026 web down "The web server on NC026 is not answering."');
    await world.app.herald.publisher.runOnce();
    const mail = await world.mailbox.next(ADDRESS);
    expect(mail.subject).toContain('SMTP on NC018 shut down');
    expect(mail.text).toContain('We are once again dealing with a spam problem on NC018.');
    const raw = (key: string) =>
      mail.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n[ \t]+/g, ' ') ?? '';
    expect(raw('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const header = raw('list-unsubscribe');
    unsubscribeUrl = /<(https?:[^>]+)>/.exec(header)?.[1]?.replace(/\s+/g, '') ?? '';
    expect(unsubscribeUrl.startsWith(`${world.url}unsubscribe?token=`)).toBe(true);
    expect(world.mailbox.countTo(ADDRESS)).toBe(2);
  });

  it('stops the one after once the one-click unsubscribe is POSTed', async () => {
    const done = await postForm(unsubscribeUrl, { 'List-Unsubscribe': 'One-Click' });
    expect(done.status).toBe(200);
    world.app.setNow('2012-07-27T22:20:51Z');
    world.app.record(
      'nc018 smtp up "We’ve cleaned up the spam and restarted SMTP on server NC018." --at 22:13',
    );
    await world.app.herald.publisher.runOnce();
    // The post went out to subscribers (their outlet's delivery of each of the three posts is sent), and
    // none of it to the unsubscribed address.
    const fanOuts = world.app.herald.store.deliveries({ outlet: SUBSCRIBERS_OUTLET });
    expect(fanOuts.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    const row = world.app.herald.subscribers.byAddress('email', ADDRESS);
    expect(row?.status).toBe('unsubscribed');
    const notes = world.app.herald.subscribers.notifications({ subscriberId: row?.id ?? -1 });
    expect(notes.map((n) => n.status)).toEqual(['sent']);
    expect(world.mailbox.countTo(ADDRESS)).toBe(2);
  });
});
