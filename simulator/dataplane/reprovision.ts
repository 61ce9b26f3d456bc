// `node dist/simulator/dataplane/reprovision.js --data-plane D --address A --os el8 [--root-password P]`:
// the documented "reinstall the OS" of a physical host (what a kickstart or Satellite rebuild does).
// The machine comes back with the new OS and its vdsm, and no engine manages it any more.
import { HOST_OSES, reprovisionHost, type HostOs } from "./hosts";

const USAGE =
  "usage: node dist/simulator/dataplane/reprovision.js --data-plane <dir> --address <host> --os <el7|el8> [--root-password <pw>]";

function parse(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument '${argv[i]}'`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    out[m[1]] = value;
  }
  return out;
}

function main(argv: string[]): number {
  let a: Record<string, string>;
  try {
    a = parse(argv);
    for (const k of Object.keys(a)) {
      if (!["data-plane", "address", "os", "root-password"].includes(k))
        throw new Error(`unknown option --${k}`);
    }
    for (const k of ["data-plane", "address", "os"]) if (!a[k]) throw new Error(`missing --${k}`);
    if (!HOST_OSES.includes(a.os as HostOs)) throw new Error(`--os must be el7 or el8 (got '${a.os}')`);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const host = reprovisionHost(a["data-plane"], a.address, a.os as HostOs, {
    rootPassword: a["root-password"],
  });
  process.stdout.write(`${host.address}: reinstalled with ${host.os} (${host.vdsm.full_version})\n`);
  return 0;
}

process.exit(main(process.argv.slice(2)));
