// What the JSON API tests share: a whole Herald in a temp folder, the story they drive through it (the
// reference blog, then a session where features meet: a promise, a correction, a retraction, a maintenance
// that starts and one called off), and readers of the files it writes.
import fs from 'node:fs';
import path from 'node:path';
import { STATUS_BLOG_STORY } from '../../src/demo/status-blog.js';
import { API_FILES } from '../../src/templates/api/statuspage.js';
import { createTestHerald, type TestHerald } from '../helpers/herald.js';

export interface Step {
  at: string;
  /** A command as staff type it, or `run-due`: Herald's scheduler takes the steps due (a maintenance's start). */
  command: string;
}

/** After the blog: what the blog never did, each where two features meet. */
export const SEAM_SESSION: readonly Step[] = [
  { at: '2013-11-01T09:50:00Z', command: 'nc018 smtp degraded "Mail is slow to send."' },
  { at: '2013-11-01T10:00:00Z', command: 'nc026 web down "Websites on NC026 are down." --next 11:00' },
  { at: '2013-11-01T10:20:00Z', command: 'update 7 "We found a failed disk at 10:05 UTC." --next 12:00' },
  { at: '2013-11-01T10:25:00Z', command: 'edit 7.2 "We found a failed disk at 10:04 UTC."' },
  { at: '2013-11-01T10:31:00Z', command: 'retract 6.1 "Posted about the wrong server."' },
  {
    at: '2013-11-01T10:40:00Z',
    command:
      'maintenance nc018 web "We will move websites to new disks." --start 2013-11-02 19:00 --end 2013-11-02 21:00',
  },
  {
    at: '2013-11-01T10:45:00Z',
    command:
      'maintenance nc026 web "We will replace the disk." --start 2013-11-01 11:00 --end 2013-11-01 12:00',
  },
  { at: '2013-11-01T11:00:00Z', command: 'run-due' },
  { at: '2013-11-01T11:10:00Z', command: 'nc018 smtp up "Mail is back to normal."' },
  { at: '2013-11-01T11:30:00Z', command: 'nc026 web up "Websites on NC026 are back."' },
  { at: '2013-11-01T11:40:00Z', command: 'cancel 8 "The new disks have not arrived."' },
];

export const STORY: readonly Step[] = [...STATUS_BLOG_STORY, ...SEAM_SESSION];

export async function takeStep(app: TestHerald, step: Step): Promise<void> {
  app.setNow(step.at);
  if (step.command === 'run-due') await app.herald.scheduler.runDue();
  else app.record(step.command);
  await app.herald.publisher.runOnce();
}

export const readPublic = (app: TestHerald, file: string): string =>
  fs.readFileSync(path.join(app.config.paths.publicDir, file), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: the files are read as a consumer reads them, as untyped JSON
export type Json = any;

export const readApi = (app: TestHerald): Record<string, Json> =>
  Object.fromEntries(Object.values(API_FILES).map((f) => [f, JSON.parse(readPublic(app, f))]));

export { createTestHerald, type TestHerald };
