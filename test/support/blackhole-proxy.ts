import { type AddressInfo, createServer, type Server, Socket } from "node:net";

// A TCP proxy in front of the local PostgreSQL that a test can switch to "blackhole": new connections
// are accepted and never answered, and bytes on open ones are dropped both ways - what a network
// that loses packets looks like to the client (no reset, no error, just silence).

export interface BlackholeProxy {
  port: number;
  blackhole: boolean;
  /** Cuts every open connection (a partition that ends in resets); new ones go through if not blackholed. */
  resetAll(): void;
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  close(): Promise<void>;
}

export async function startBlackholeProxy(target: { host: string; port: number }): Promise<BlackholeProxy> {
  const sockets = new Set<Socket>();
  const proxy: BlackholeProxy = {
    port: 0,
    blackhole: false,
    resetAll() {
      for (const s of sockets) s.destroy();
    },
    through(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(proxy.port);
      return u.toString();
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (proxy.blackhole) return; // accepted, never answered
    const upstream = new Socket();
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
    upstream.connect(target.port, target.host);
    client.on("data", (d: Buffer) => {
      if (!proxy.blackhole) upstream.write(d);
    });
    upstream.on("data", (d: Buffer) => {
      if (!proxy.blackhole) client.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  proxy.port = (server.address() as AddressInfo).port;
  return proxy;
}
