// Slack's HTTP door (POST /slack/events): the body is read here, bounded, its signature and timestamp
// checked against Herald's clock (the replay window, both directions), and its shape checked, before Bolt
// sees it. Signed input is hostile input too: a body Herald does not take gets a clear 400, never a crash.
// Bolt then parses the same bytes (req.rawBody) without checking the signature a second time.

import { createHmac, timingSafeEqual } from 'node:crypto';
import querystring from 'node:querystring';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../bot/handle-command.js';
import { withinReplayWindow } from './replay-window.js';

/** The largest request body taken at POST /slack/events (Bolt's default). */
export const SLACK_BODY_LIMIT = 4 * 1024 * 1024;

const str = z.string();
const user = z.looseObject({ id: str.min(1) });
/** A slash command's form fields. */
const slashCommand = z.looseObject({
  command: str,
  text: str.optional(),
  trigger_id: str.min(1),
  user_id: str.min(1),
  user_name: str.optional(),
  channel_id: str.optional(),
  response_url: str.min(1),
});
const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  trigger_id: str.min(1),
  user,
  response_url: str.optional(),
  container: z.looseObject({}).optional(),
  channel: z.looseObject({ id: str }).optional(),
  actions: z
    .array(z.looseObject({ action_id: str, type: str, block_id: str.optional(), value: str.optional() }))
    .min(1),
});
const viewSubmission = z.looseObject({
  type: z.literal('view_submission'),
  user,
  view: z.looseObject({
    callback_id: str,
    private_metadata: str,
    state: z.looseObject({ values: z.record(str, z.record(str, z.looseObject({}))) }),
  }),
});
const urlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: str });
const sslCheck = z.looseObject({ ssl_check: str });

/** Whether Bolt can be given this body: one of the requests Herald's handlers take, well formed. */
export function isSlackRequest(body: unknown): boolean {
  return [slashCommand, blockActions, viewSubmission, urlVerification, sslCheck].some(
    (schema) => schema.safeParse(body).success,
  );
}

/** The body as Bolt will read it: form fields (an interaction's JSON in `payload`), or JSON. */
export function parseSlackBody(raw: string, contentType: string | undefined): unknown {
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    const form = querystring.parse(raw);
    return typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
  }
  return JSON.parse(raw);
}

function signatureMatches(secret: string, timestamp: string, raw: Buffer, signature: string): boolean {
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface SlackDoorOptions {
  signingSecret: string;
  /** Herald's clock for the replay window. */
  clock: Clock;
  /** False before start() and once stopping: Slack is asked to come back (503) and retries. */
  accepting(): boolean;
  /** Bolt's receiver router, given what passed. */
  bolt: Router;
}

export function createSlackDoor(o: SlackDoorOptions): Router {
  const router = express.Router();
  const refuse = (res: express.Response, status: number, text: string) =>
    res.status(status).set('Connection', 'close').type('text').send(`${text}\n`);
  router.use((req, res, next) => {
    if (!o.accepting()) {
      refuse(res, 503, 'Herald is not taking Slack requests right now');
      return;
    }
    // Refused before it is read, and the connection closed (what is left unread would stall it).
    if (Number(req.get('content-length') ?? 0) > SLACK_BODY_LIMIT) {
      refuse(res, 413, 'request body too large');
      return;
    }
    res.once('finish', () => {
      if (!req.complete) req.resume();
    });
    next();
  });
  const check: RequestHandler = (req, res, next) => {
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const timestamp = req.get('x-slack-request-timestamp');
    const signature = req.get('x-slack-signature');
    if (
      !timestamp ||
      !signature ||
      !withinReplayWindow(timestamp, o.clock) ||
      !signatureMatches(o.signingSecret, timestamp, raw, signature)
    ) {
      refuse(res, 401, 'invalid request signature or timestamp');
      return;
    }
    let body: unknown;
    try {
      body = parseSlackBody(raw.toString('utf8'), req.get('content-type'));
    } catch {
      refuse(res, 400, 'the body is not a Slack request');
      return;
    }
    if (!isSlackRequest(body)) {
      refuse(res, 400, 'not a request Herald takes');
      return;
    }
    // Bolt reads these bytes instead of the (already read) stream.
    (req as unknown as { rawBody: Buffer }).rawBody = raw;
    next();
  };
  router.post('/', express.raw({ type: () => true, limit: SLACK_BODY_LIMIT }), check, o.bolt);
  return router;
}
