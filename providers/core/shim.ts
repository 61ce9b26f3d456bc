// What Pulumi serializes into state for every resource: a provider whose methods only load the
// compiled runtime (dist/providers/runtime.js) and delegate to it. Nothing else may be reachable
// from these methods: the closure serializer copies whatever they touch, by value, into state.
// So: no module-level helpers, no imports used at run time, only `require` and the `kind` string.
// The runtime is found from the provider process's working directory, which Pulumi sets to the
// directory of `main` (dist/, as Pulumi.yaml has `main: dist/index.js`), or the project root when
// `main` is not set: hence "dist" if it is there, else ".".
import type * as pulumi from "@pulumi/pulumi";
import type * as runtime from "../runtime";

type Runtime = typeof runtime;
type Path = typeof import("path");
type Fs = typeof import("fs");

export function makeShim(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      const rt = require(
        (require("path") as Path).resolve(
          (require("fs") as Fs).existsSync("dist") ? "dist" : ".",
          "providers/runtime.js",
        ),
      ) as Runtime;
      return rt.configure(req);
    },
    async check(olds, news) {
      const rt = require(
        (require("path") as Path).resolve(
          (require("fs") as Fs).existsSync("dist") ? "dist" : ".",
          "providers/runtime.js",
        ),
      ) as Runtime;
      return rt.provider(kind).check(olds, news);
    },
    async diff(id, olds, news) {
      const rt = require(
        (require("path") as Path).resolve(
          (require("fs") as Fs).existsSync("dist") ? "dist" : ".",
          "providers/runtime.js",
        ),
      ) as Runtime;
      return rt.provider(kind).diff(id, olds, news);
    },
    async create(inputs) {
      const rt = require(
        (require("path") as Path).resolve(
          (require("fs") as Fs).existsSync("dist") ? "dist" : ".",
          "providers/runtime.js",
        ),
      ) as Runtime;
      return rt.provider(kind).create(inputs);
    },
    async read(id, props) {
      const rt = require(
        (require("path") as Path).resolve(
          (require("fs") as Fs).existsSync("dist") ? "dist" : ".",
          "providers/runtime.js",
        ),
      ) as Runtime;
      return rt.provider(kind).read(id, props);
    },
    async update(id, olds, news) {
      const rt = require(
        (require("path") as Path).resolve(
          (require("fs") as Fs).existsSync("dist") ? "dist" : ".",
          "providers/runtime.js",
        ),
      ) as Runtime;
      return rt.provider(kind).update(id, olds, news);
    },
    async delete(id, props) {
      const rt = require(
        (require("path") as Path).resolve(
          (require("fs") as Fs).existsSync("dist") ? "dist" : ".",
          "providers/runtime.js",
        ),
      ) as Runtime;
      return rt.provider(kind).delete(id, props);
    },
  };
}
