// The lab stack: validate the whole config first (nothing is declared on bad input), then build it.
import * as pulumi from "@pulumi/pulumi";
import { Lab } from "./components/lab";
import { loadStackConfig } from "./config/load";
import { ConfigError } from "./config/validate";

function load() {
  const config = new pulumi.Config("ovirt-lab");
  try {
    return loadStackConfig({
      lab: config.getObject("lab"),
      engines: config.getObject("engines"),
      secrets: config.getObject("secrets"),
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

const { lab } = load();
const built = new Lab("lab", lab);

export const dataCenterId = built.dataCenter.id;
export const clusterIds = built.clusterIds();
