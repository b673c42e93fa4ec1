/** Checking, holding and explaining a failure to listen on `serve`'s address. */
import { createServer, type AddressInfo } from 'node:net';
import { PatmatchError } from '../../domain/errors.js';

/**
 * Why `host:port` cannot be listened on, as the error to report: a port in use or an address that
 * cannot be bound names them; anything else is returned as it is.
 *
 * @example
 * throw listenError(error, { host: '127.0.0.1', port: 8080 }); // --port 8080: 127.0.0.1:8080 is already in use; …
 */
export function listenError(error: unknown, { host, port }: { host: string; port: number }): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') return new PatmatchError('invalid_input', `--port ${port}: ${where} is already in use; stop the other server or choose another port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
    return new PatmatchError('invalid_input', `cannot listen on ${where} (${code}); check --host and --port`);
  }
  return error;
}

/**
 * Listens on `host:port` for a moment and lets go, so a command that serves only after minutes of
 * work (`demo`) finds a port in use or an address it cannot bind before it starts. Throws what
 * `serveHome` would (see `listenError`).
 *
 * @example
 * await checkCanListen({ host: '127.0.0.1', port: 8080 });
 */
export async function checkCanListen(where: { host: string; port: number }): Promise<void> {
  await (await holdPort(where)).release();
}

/** A port that {@link holdPort} listens on and keeps from other processes until `release`. */
export interface HeldPort {
  /** The port held: the one asked for, or the free one the system picked for port 0. */
  port: number;
  /** Stops listening, so another server can bind the port; resolves once closed (the same promise on every call). */
  release(): Promise<void>;
}

/**
 * Listens on `host:port` (port 0: any free port) and holds it until `release`, hanging up on
 * whoever connects meanwhile. Throws what `serveHome` would (see `listenError`).
 *
 * @example
 * const held = await holdPort({ host: '127.0.0.1', port: 0 }); // held.port: 41234
 * await held.release(); // a server can listen on 127.0.0.1:41234 now
 */
export async function holdPort(where: { host: string; port: number }): Promise<HeldPort> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, where)));
    server.listen({ port: where.port, host: where.host }, resolve);
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    release: () => (closed ??= new Promise((resolve) => server.close(() => resolve()))),
  };
}
