// Acknowledgements before work: the chat adapters' core calls take turns, one per pass of the event loop,
// so that requests which arrived during one command's work are read (and acknowledged) before the next
// command's work starts.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTurns } from '../../src/adapters/chat/turns.js';

/** Blocks the event loop, as the synchronous core does while it works. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // working
  }
}

describe('turns', () => {
  it('lets a connection that arrived during one turn in before the next turn', async () => {
    const events: string[] = [];
    const server = net.createServer((socket) => {
      events.push('connection');
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const turn = createTurns();

    const first = turn().then(() => {
      events.push('turn 1');
      // A client connects while this "command" works: the kernel completes the handshake meanwhile.
      net.connect(port, '127.0.0.1').on('error', () => {});
      busy(50);
    });
    const second = turn().then(() => events.push('turn 2'));
    const third = turn().then(() => events.push('turn 3'));
    await Promise.all([first, second, third]);
    await new Promise<void>((resolve) => server.close(() => resolve()));

    expect(events).toEqual(['turn 1', 'connection', 'turn 2', 'turn 3']);
  });

  it('gives turns in the order they were asked for, each once', async () => {
    const turn = createTurns();
    const order: number[] = [];
    await Promise.all(Array.from({ length: 50 }, (_, i) => turn().then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
