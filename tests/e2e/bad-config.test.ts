// Bad config stops the program before any resource is declared: `pulumi up` fails with messages
// naming each offending path, and the engine sees no request at all (its request log stays empty).
import * as fs from "fs";
import { startEngine } from "../../testbed/engine-process";
import YAML from "yaml";
import { bad, secrets, seedLab } from "../fixtures/bad-configs";
import { labStack, type TestStack } from "../helpers/stack";

type Engine = Awaited<ReturnType<typeof startEngine>>;

const badLab = {
  engine: "target",
  dataCenter: { name: "bad dc", compatibilityVersion: "4.x" },
  clusters: [{ name: "ocpcluster", memoryOverCommitPercent: 50 }],
  hosts: [{ name: "rhvnode3", address: "198.18.0.23", cluster: "ocpcluster2" }],
};

describe("a bad lab config through the real Pulumi CLI", () => {
  let engine: Engine;
  let t: TestStack;

  beforeAll(async () => {
    engine = await startEngine({ version: "4.4", timeScale: 0 });
    t = await labStack({ target: engine }, badLab);
  }, 300_000);

  afterAll(async () => {
    await engine?.stop();
    if (t) fs.rmSync(t.workDir, { recursive: true, force: true });
  });

  test("up fails naming every bad field, and no request reaches the engine", async () => {
    const before = engine.requests().length;
    let output = "";
    await expect(
      t.stack.up({ onOutput: (text) => (output += text) }).catch((err: Error) => {
        output += err.message;
        throw err;
      }),
    ).rejects.toThrow();
    for (const expected of [
      "lab.dataCenter.name: may only contain letters, digits, '_' and '-'",
      'lab.dataCenter.compatibilityVersion: is not a compatibility level like "4.4" (got "4.x")',
      "lab.clusters[0].memoryOverCommitPercent:",
      'lab.hosts[0].cluster: no cluster named "ocpcluster2"',
    ]) {
      expect(output).toContain(expected);
    }
    expect(engine.requests().slice(before)).toEqual([]);
  }, 300_000);

  test(`each of the ${bad.length} bad configurations fails up with its message and no request`, async () => {
    for (const [what, edit, expected] of bad) {
      const lab = seedLab();
      const s = structuredClone(secrets);
      edit(lab, s);
      t.setLab(lab);
      // Test-only secrets (fake canaries), written in plain text into the scratch stack file.
      const doc = YAML.parseDocument(fs.readFileSync(t.configFile, "utf8"));
      doc.setIn(["config", "ovirt-lab:secrets"], doc.createNode(s));
      fs.writeFileSync(t.configFile, doc.toString());
      const before = engine.requests().length;
      let output = "";
      const failed = await t.stack.up({ onOutput: (text) => (output += text) }).then(
        () => false,
        (err: Error) => {
          output += err.message;
          return true;
        },
      );
      if (!failed || !output.includes(expected)) {
        throw new Error(`${what}: expected up to fail with "${expected}", got:\n${output.slice(-2000)}`);
      }
      expect(engine.requests().slice(before)).toEqual([]);
    }
  }, 900_000);
});
