import { createServer, type Server, type Socket } from 'node:net';

/** A scripted line server on 127.0.0.1: `onConnect` greets, `onLine` answers each line the client sends. */
export interface FakeServer {
  port: number;
  /** Every line the clients sent, in order. */
  received: string[];
  close(): Promise<void>;
}

export interface Script {
  onConnect?(socket: Socket): void;
  onLine?(line: string, socket: Socket): void;
}

export async function fakeServer(script: Script): Promise<FakeServer> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        received.push(line);
        if (!socket.destroyed) script.onLine?.(line, socket);
      }
    });
    script.onConnect?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
