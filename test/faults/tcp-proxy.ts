/**
 * A loopback TCP proxy the fault tests put between alco and a shared service (RabbitMQ, Redis, PostgreSQL) so
 * they can take the service away from alco alone: `down()` drops every open connection and refuses new ones,
 * which is what a client sees when the server restarts or dies; `up()` accepts again. The real service keeps
 * running for everyone else on the machine.
 */
import net from "node:net";

export type TcpProxy = {
  /** `127.0.0.1:<port>` of the proxy's listening side. */
  port: number;
  /** Connections made through the proxy since it started. */
  connections: () => number;
  down: () => Promise<void>;
  up: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let made = 0;
  let server: net.Server | null = null;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        made++;
        const upstream = net.connect(target.port, target.host);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once("error", reject);
      // The same port after a `down()`, so clients reconnect to the address they were given.
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const down = async () => {
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };

  await listen();
  return {
    port,
    connections: () => made,
    down,
    up: async () => {
      if (!server) await listen();
    },
    close: down,
  };
}
