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
