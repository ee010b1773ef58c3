// `vitrine serve`: the studio's two origins, until SIGTERM or SIGINT.

import { SETTINGS_HELP } from "../server/config.ts";
import { startStudio } from "../server/server.ts";
import type { CommandIO } from "./render-command.ts";
import { configFrom, parseCommand, withSettingsChecked } from "./server-options.ts";
import { UsageError } from "./usage-error.ts";

export const SERVE_USAGE = `Usage: vitrine serve [options]

Starts the studio: the app origin (UI and API) and the content origin (output frames, image proxy).
A flag wins over its environment variable, which wins over the default.

${SETTINGS_HELP}`;

export async function serveCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  if (values.help) {
    io.stdout(`${SERVE_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("unexpected_argument", `unexpected argument "${positionals[0]}"`);
  const config = configFrom(values);
  const running = await withSettingsChecked(() => startStudio(config, (line) => io.stdout(`vitrine: ${line}\n`)));
  io.stdout(`vitrine: app origin ${config.appUrl.origin} (listening on ${running.appAddress})\n`);
  io.stdout(`vitrine: content origin ${config.contentUrl.origin} (listening on ${running.contentAddress})\n`);
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      io.stdout(`vitrine: ${signal}: finishing requests in flight, then stopping\n`);
      running.close().then(
        () => {
          io.stdout("vitrine: stopped\n");
          resolve(0);
        },
        (error: unknown) => {
          io.stderr(`vitrine: stopping failed: ${(error as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}
