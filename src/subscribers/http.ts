// The subscriber endpoints on Herald's one HTTP server, mounted like the chat endpoints (src/app.ts):
//   POST /subscribe                     the form on subscribe.html
//   GET  /subscribe/confirm?token=…     the link in the confirmation mail (double opt-in)
//   POST /subscribe/webhook             a webhook's signed test delivery; a 2xx subscribes it
//   GET|POST /subscribe/manage          change the components followed (token in the link, then the form)
//   GET  /unsubscribe?token=…           a page with a button (a mail scanner's GET changes nothing)
//   POST /unsubscribe?token=…           RFC 8058 one-click (`List-Unsubscribe=One-Click`), or the button
// Bodies are bounded (16 KiB, 413 past it); every answer is a page, never cached.

import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../logger.js';
import { type PageContext, renderMessagePage } from '../templates/html/subscriber-pages.js';
import type { Answer, SignupService } from './signup.js';

export const MAX_BODY_BYTES = 16 * 1024;

export interface SubscriberRouterOptions {
  /** The sign-up service; null when subscriptions are off (no SMTP): every route says so. */
  service: SignupService | null;
  page: PageContext;
  now: () => number;
  log: Logger;
}

/** Where the routes are mounted: at the server's root, since they span /subscribe and /unsubscribe. */
export const SUBSCRIBER_ROUTES_PATH = '/';

const send = (res: Response, answer: Answer) =>
  res
    .status(answer.status)
    .set('Cache-Control', 'no-store')
    .set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'",
    )
    .type('html')
    .send(answer.html);

/** The client's address: the peer's, or behind a trusted proxy (HERALD_TRUST_PROXY) the one it forwarded. */
const clientOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';
const queryToken = (req: Request): unknown => req.query.token;

export function createSubscriberRouter(options: SubscriberRouterOptions): Router {
  const { service, page, now, log } = options;
  const router = express.Router();
  const message = (status: number, heading: string, text: string): Answer => ({
    status,
    html: renderMessagePage(page, heading, text, true),
  });
  const tooLarge = message(
    413,
    'Too much data',
    'The form sent more than Herald accepts. Nothing was saved.',
  );

  const paths = ['/subscribe', '/subscribe/*rest', '/unsubscribe'];
  // Refused before a byte of the body is read when the length is announced; body-parser counts the rest.
  router.use(paths, (req, res, next) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      res.set('Connection', 'close');
      send(res, tooLarge);
      return;
    }
    next();
  });
  router.use(paths, express.urlencoded({ extended: false, limit: MAX_BODY_BYTES, parameterLimit: 200 }));
  if (!service) {
    router.all(paths, (_req, res) => {
      send(
        res,
        message(503, 'Subscriptions are off', 'This status page does not offer subscriptions at the moment.'),
      );
    });
  } else {
    const body = (req: Request): Record<string, unknown> => (req.body as Record<string, unknown>) ?? {};
    router.get('/subscribe', (_req, res) => res.redirect(303, `${page.root}subscribe.html`));
    router.post('/subscribe', async (req, res, next) => {
      try {
        send(res, await service.signup(body(req), clientOf(req), now()));
      } catch (error) {
        next(error);
      }
    });
    router.get('/subscribe/confirm', (req, res) => send(res, service.confirm(queryToken(req), now())));
    router.post('/subscribe/webhook', async (req, res, next) => {
      try {
        send(res, await service.testWebhook(body(req).token, clientOf(req), now()));
      } catch (error) {
        next(error);
      }
    });
    router.get('/subscribe/manage', (req, res) => send(res, service.manage(queryToken(req), now())));
    router.post('/subscribe/manage', (req, res) => send(res, service.saveManage(body(req), now())));
    router.get('/unsubscribe', (req, res) => send(res, service.askUnsubscribe(queryToken(req), now())));
    // One-click: the token is in the link itself (the body is `List-Unsubscribe=One-Click`); the manage
    // page's button sends it in the body.
    router.post('/unsubscribe', (req, res) =>
      send(res, service.unsubscribe(queryToken(req) ?? body(req).token, now())),
    );
  }
  router.use(
    paths,
    (error: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      if (error.status === 413) send(res, tooLarge);
      else if (error.status && error.status < 500)
        send(res, message(400, 'Not understood', 'The form could not be read. Nothing was saved.'));
      else {
        log.error({ err: error }, 'a subscriber request failed');
        send(
          res,
          message(
            500,
            'Something went wrong',
            'Herald could not finish this. Nothing was sent; try again later.',
          ),
        );
      }
    },
  );
  return router;
}
