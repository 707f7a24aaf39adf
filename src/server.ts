// One HTTP server: the status site (static files from the public folder), GET /healthz, GET /metrics, and —
// mounted by the chat adapters — the Slack and Discord endpoints. The files are served by static-files.ts:
// one whole version of a file per response (never express.static, which could tear a file renamed over
// while it was read), with content types, ETag, Last-Modified, conditional GETs, and nothing outside the
// folder.

import type http from 'node:http';
import path from 'node:path';
import express, { type Express, type Router } from 'express';
import type { Logger } from './logger.js';
import { readWholeFile, serveStaticFiles } from './static-files.js';

export interface Health {
  ok: boolean;
  [key: string]: unknown;
}

export interface HttpServerOptions {
  publicDir: string;
  health: () => Health;
  /** GET /metrics (Prometheus text format); without it, /metrics is not served. */
  metrics?: { contentType: string; render(): Promise<string> };
  log: Logger;
  /**
   * The reverse proxies whose X-Forwarded-For names the client (HERALD_TRUST_PROXY): `req.ip`, which the
   * sign-up's per-client limits count by. Left out or empty: the peer's own address.
   */
  trustProxy?: string[];
  /** Routers mounted before the site (Slack events, Discord interactions). */
  routes?: Array<{ path: string; router: Router | express.RequestHandler }>;
}

export interface RunningServer {
  server: http.Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export function createHttpApp(options: HttpServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  if (options.trustProxy?.length) app.set('trust proxy', options.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.get('/healthz', (_req, res) => {
    let health: Health;
    try {
      health = options.health();
    } catch (error) {
      options.log.error({ err: error }, 'health check failed');
      health = { ok: false, error: 'health check failed' };
    }
    res
      .status(health.ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(health);
  });
  const metrics = options.metrics;
  if (metrics) {
    app.get('/metrics', async (_req, res) => {
      try {
        const text = await metrics.render();
        res.status(200).set('Cache-Control', 'no-store').type(metrics.contentType).send(text);
      } catch (error) {
        options.log.error({ err: error }, 'collecting metrics failed');
        res.status(500).type('text').send('collecting metrics failed\n');
      }
    });
  }
  for (const route of options.routes ?? []) app.use(route.path, route.router);
  app.use(serveStaticFiles(options.publicDir));
  app.use(async (req, res, next) => {
    res.status(404);
    // Read like every other file (one open), so that a rebuild renaming it over is never served torn.
    const page =
      req.method === 'GET' ? await readWholeFile(path.join(options.publicDir, '404.html')).catch(next) : null;
    if (page?.kind === 'file') res.type('html').send(page.body);
    else if (!res.headersSent) res.type('text').send('Not found\n');
  });
  // express's final handler would print a stack trace; a refused path (403) and the rest get a plain answer.
  app.use(
    (
      error: { status?: number; statusCode?: number },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status = error.status ?? error.statusCode ?? 500;
      if (status >= 500) options.log.error({ err: error }, 'http request failed');
      res
        .status(status)
        .type('text')
        .send(status === 403 ? 'Forbidden\n' : status === 404 ? 'Not found\n' : 'Error\n');
    },
  );
  return app;
}

export function listen(app: Express, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({
        server,
        port: actual,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
