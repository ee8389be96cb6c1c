import net from 'node:net';

export interface CuttingProxy {
  readonly port: number;
  /** Connections cut so far: mid-request, and after the server answered but before the client saw it. */
  readonly cuts: { midRequest: number; lostResponse: number };
  close(): Promise<void>;
}

/**
 * A TCP proxy to `upstreamPort` that breaks connections the way a flaky network does, until it has
 * cut `maxCuts` of them: every third request is cut half-way through its upload (the server never
 * gets it whole), every third response is swallowed after the server sent it (the server stored
 * the batch, the client sees a dropped connection and must resend). Then it passes everything on.
 */
export async function startCuttingProxy(upstreamPort: number, maxCuts: number): Promise<CuttingProxy> {
  const cuts = { midRequest: 0, lostResponse: 0 };
  let requests = 0;
  let responses = 0;
  const sockets = new Set<net.Socket>();
  const cutting = () => cuts.midRequest + cuts.lostResponse < maxCuts;

  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    // A chunk that starts with an HTTP method is the start of a request.
    client.on('data', (chunk: Buffer) => {
      if (/^(POST|GET|PUT|HEAD) /.test(chunk.subarray(0, 8).toString('latin1'))) requests++;
      if (cutting() && requests % 3 === 0 && chunk.length > 64) {
        upstream.write(chunk.subarray(0, chunk.length >> 1));
        cuts.midRequest++;
        cut();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (chunk.subarray(0, 5).toString('latin1') === 'HTTP/') responses++;
      if (cutting() && responses % 3 === 1) {
        cuts.lostResponse++;
        cut();
        return;
      }
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', () => sockets.delete(socket));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cuts,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
