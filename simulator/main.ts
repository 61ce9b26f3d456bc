// `npm run engine -- …`: runs one embedded engine in the foreground. The three lines printed on start
// are an interface (tests and scripts parse them); keep their wording.
import { parseArgs, USAGE, UsageError } from "./cli";
import { launchEngine } from "./engine";

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
    return 2;
  }

  // Listen for signals before anything is printed: a supervisor may signal as soon as it reads the
  // banner, and an unhandled SIGTERM would kill the process without closing the engine.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  const engine = await launchEngine(opts);
  if (engine.seed) {
    const r = engine.seed.record;
    process.stderr.write(
      `seed '${r.name}' ${engine.seed.applied ? "applied" : `already applied ${new Date(r.applied_at).toISOString()}, nothing done`}\n`,
    );
  }
  process.stdout.write(
    `ovirt-lab embedded engine ${engine.fullVersion} listening\n` +
      `API URL: ${engine.url}\n` +
      `CA certificate: ${engine.caFile}\n`,
  );
  await stopped;
  await engine.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
