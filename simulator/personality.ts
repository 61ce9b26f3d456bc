// The two engine personalities. Everything that differs between an oVirt 4.3 and a 4.4 engine is
// decided here, so the rest of the code asks "what does this engine do" instead of "which version am I".

export type EngineVersion = "4.3" | "4.4";
export const ENGINE_VERSIONS: readonly EngineVersion[] = ["4.3", "4.4"];

export interface Personality {
  readonly version: EngineVersion;
  /** The RPM version string the engine reports as product_info.version.full_version. */
  readonly fullVersion: string;
  /** major.minor.build.revision of the product (GetProductVersion). */
  readonly productVersion: { major: number; minor: number; build: number; revision: number };
  /** Supported cluster / data center compatibility levels (config SupportedClusterLevels), ascending. */
  readonly clusterLevels: readonly string[];
  /** 4.4 engines report product_info.instance_id; the 4.3 model has no such attribute. */
  readonly hasInstanceId: boolean;
  /** Model attributes and services that only exist from model_4.4 on. */
  readonly model44: boolean;
}

const PERSONALITIES: Record<EngineVersion, Personality> = {
  "4.3": {
    version: "4.3",
    fullVersion: "4.3.10.4-1.el7",
    productVersion: { major: 4, minor: 3, build: 10, revision: 4 },
    clusterLevels: ["4.1", "4.2", "4.3"],
    hasInstanceId: false,
    model44: false,
  },
  "4.4": {
    version: "4.4",
    fullVersion: "4.4.10.7-1.el8",
    productVersion: { major: 4, minor: 4, build: 10, revision: 7 },
    clusterLevels: ["4.2", "4.3", "4.4", "4.5", "4.6"],
    hasInstanceId: true,
    model44: true,
  },
};

export function personalityFor(version: EngineVersion): Personality {
  return PERSONALITIES[version];
}

/** The highest supported level: what engine-setup gives the Default data center and cluster. */
export function maxLevel(p: Personality): string {
  return p.clusterLevels[p.clusterLevels.length - 1];
}
