// Listening and closing for the fakes: always on 127.0.0.1, and a close that does not wait for idle
// keep-alive connections.
import type http from 'node:http';

/** Listens on 127.0.0.1 (port 0: any free one). */
export function listenOnLoopback(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops listening and drops every open connection. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A delay in ms, fixed or drawn afresh for each request. */
export type AnswerDelay = number | (() => number);

/**
 * Holds back the end of `res` by `delay` ms; what the request did has already happened. A slow network or a
 * busy server: it widens the window in which a client can die with its request done and the answer unread.
 */
export function delayAnswer(res: http.ServerResponse, delay: AnswerDelay | undefined): void {
  const ms = typeof delay === 'function' ? delay() : (delay ?? 0);
  if (!(ms > 0)) return;
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.end = ((...args: unknown[]) => {
    setTimeout(() => end(...args), ms);
    return res;
  }) as typeof res.end;
}
