// Where the client's progress and warnings go. The dynamic-provider process has no Pulumi engine
// connection for `pulumi.log`, so the default writes lines to stderr, which the CLI shows.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`ovirt-lab: ${m}\n`),
  warn: (m) => process.stderr.write(`ovirt-lab: warning: ${m}\n`),
};

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };

let current: Logger = stderrLogger;

/** The process-wide logger (the provider process keeps stderr; tests capture or silence it). */
export function getLogger(): Logger {
  return current;
}

export function setLogger(logger: Logger): void {
  current = logger;
}
