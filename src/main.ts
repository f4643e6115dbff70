import { ConfigError, loadConfig } from "./config/env.js";
import { configSecrets, createLogger, prettyLines } from "./log.js";
import { createService } from "./service.js";

// `npm start`: migrate, mount every configured part, serve, and shut down cleanly on SIGTERM/SIGINT.
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  // People at a terminal get readable lines; anything else (a log shipper) gets JSON.
  const pretty = config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY);
  const log = createLogger(config.logLevel, pretty ? prettyLines(process.stdout) : undefined, configSecrets(config));
  log.info(
    { store: config.databaseUrl ? "postgresql" : `pglite (${config.dataDir})` },
    config.databaseUrl ? "using PostgreSQL from DATABASE_URL" : "using the embedded store",
  );
  const service = await createService(config, log);
  const addr = await service.start();
  log.info(
    { port: addr.port, host: addr.address },
    `Tend is listening on http://${addr.address === "::" ? "localhost" : addr.address}:${addr.port}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: finishing in-flight work");
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    await service.stop();
    log.info("stopped cleanly");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

await main();
