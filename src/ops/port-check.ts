// Whether Herald could listen where it is configured to, found by trying: binding the address and letting go
// at once. Asked before anything is written (`herald demo`) and by `herald doctor`, so that a port another
// program (or a running Herald) holds is said plainly instead of failing halfway.

import net from 'node:net';

export type PortCheck = { free: true } | { free: false; code: string };

export function checkPort(host: string, port: number): Promise<PortCheck> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ free: false, code: error.code ?? String(error) }),
    );
    // exclusive: not shared with a cluster primary that may already hold it in this process.
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve({ free: true })));
  });
}

/** What to tell an operator whose port is taken, with the fix. */
export function describeTakenPort(host: string, port: number, code: string): string {
  const why = code === 'EADDRINUSE' ? 'is taken by another program' : `cannot be used (${code})`;
  return `${host}:${port} ${why}`;
}
