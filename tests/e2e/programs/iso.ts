// The end-to-end program of the ISO tests (tests/e2e/iso-*.test.ts): the IsoImage resources listed
// in the stack config `ovirt-lab:isos` (`[{ name, args }]`), exported with their ids, checksums and
// sizes.
import * as pulumi from "@pulumi/pulumi";
import { IsoImage, type IsoImageArgs } from "../../../providers/isoimage/resource";

const isos = new pulumi.Config("ovirt-lab").requireObject<Array<{ name: string; args: IsoImageArgs }>>(
  "isos",
);
const out: Record<string, pulumi.Output<unknown>> = {};
for (const r of isos) {
  const iso = new IsoImage(r.name, r.args);
  out[r.name] = pulumi
    .all([iso.id, iso.checksum, iso.size])
    .apply(([id, checksum, size]) => ({ id, checksum, size }));
}
export const isoImages = out;
