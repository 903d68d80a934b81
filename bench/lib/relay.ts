/**
 * A counting TCP relay in front of an sshd: bytes the controller sent and
 * received, on the wire (SSH framing and encryption included, TCP/IP headers
 * not). Used only in the untimed accounting pass, so its cost never shows in
 * a timing.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Relay {
  port: number;
  /** controller -> server */
  sent: number;
  /** server -> controller */
  received: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay: Relay = {
    port: 0,
    sent: 0,
    received: 0,
    reset() {
      relay.sent = 0;
      relay.received = 0;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    client.on('data', (b: Buffer) => {
      relay.sent += b.length;
    });
    upstream.on('data', (b: Buffer) => {
      relay.received += b.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  relay.port = typeof addr === 'object' && addr ? addr.port : 0;
  return relay;
}
