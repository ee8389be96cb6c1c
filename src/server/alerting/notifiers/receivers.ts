import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * Local receivers for the notifier table test and the end-to-end test: an HTTP server that
 * answers as the behaviour says, and a real SMTP server (npm smtp-server). Both keep what arrived.
 */
export type Behaviour = 'ok' | 'throttle' | 'unavailable' | 'reject' | 'hang';

export interface Received {
  readonly headers: http.IncomingHttpHeaders | Record<string, string>;
  readonly body: string;
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  behaviour: Behaviour;
  /** Status sent for `ok` (PagerDuty answers 202, Slack 200 with "ok"). */
  okStatus: number;
  close(): Promise<void>;
}

export async function httpReceiver(): Promise<Receiver> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      switch (receiver.behaviour) {
        case 'ok':
          res
            .writeHead(receiver.okStatus, { 'content-type': 'application/json' })
            .end('{"status":"success"}');
          return;
        case 'throttle':
          res.writeHead(429, { 'retry-after': '2' }).end('slow down');
          return;
        case 'unavailable':
          res.writeHead(503).end('try later');
          return;
        case 'reject':
          res.writeHead(400).end('invalid_payload');
          return;
        case 'hang':
          return; // never answers: the notifier's timeout must end the attempt
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received: [],
    behaviour: 'ok',
    okStatus: 200,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

/** SMTP replies per behaviour: 4xx is transient (RFC 5321), 5xx permanent. */
const SMTP_REPLY: Record<Exclude<Behaviour, 'ok' | 'hang'>, number> = {
  throttle: 421,
  unavailable: 451,
  reject: 550,
};

export async function smtpReceiver(options: Partial<SMTPServerOptions> = {}): Promise<Receiver> {
  const receiver = { received: [] as Received[], behaviour: 'ok', okStatus: 250 } as Receiver & {
    behaviour: Behaviour;
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // A hung test session must not hold close() for the default 30 s.
    closeTimeout: 200,
    ...options,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        receiver.received.push({
          headers: { to, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '' },
          body: Buffer.concat(chunks).toString('utf8'),
        });
        if (receiver.behaviour === 'ok') return callback();
        if (receiver.behaviour === 'hang') return;
        const error = Object.assign(new Error(`refused (${receiver.behaviour})`), {
          responseCode: SMTP_REPLY[receiver.behaviour],
        });
        callback(error);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `smtp://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** A loopback port with nothing listening, for "connection refused". */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
