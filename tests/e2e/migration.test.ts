// Issue 6 end to end on the embedded data plane: the seed post's 4.3 lab moved to a 4.4 engine
// through the real Pulumi CLI (tests/helpers/migration-flow.ts says what is checked). Two embedded
// engines share one data plane (the physical hosts and the storage): the 4.3 one seeded with the lab,
// the 4.4 one empty. tests/testbed/migration-real.test.ts runs the same move on real Gluster and SSH.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { imageFingerprints, moveLab, type MoveLab } from "../../testbed/migration-lab";
import { runSeedLabMove } from "../helpers/migration-flow";

let m: MoveLab;

beforeAll(async () => {
  m = await moveLab();
}, 300_000);

afterAll(async () => {
  await m?.close();
});

test("the seed lab moves from 4.3 to 4.4 step by step, nothing lost", async () => {
  await runSeedLabMove(m, {
    fingerprints: () => imageFingerprints(m.dataPlane),
    sha256Of: (key) =>
      crypto
        .createHash("sha256")
        .update(fs.readFileSync(path.join(m.dataPlane, key)))
        .digest("hex"),
  });
}, 1_200_000);
