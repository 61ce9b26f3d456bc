// The engine's built-in scheduling policies (InternalClusterPolicies): fixed ids, names and the
// default custom properties a cluster gets when it selects one.

export interface SchedulingPolicy {
  id: string;
  name: string;
  properties: ReadonlyArray<{ name: string; value: string }>;
}

export const SCHEDULING_POLICIES: readonly SchedulingPolicy[] = [
  {
    id: "b4ed2332-a7ac-4d5f-9596-99a439cb2812",
    name: "none",
    properties: [
      { name: "HighUtilization", value: "80" },
      { name: "CpuOverCommitDurationMinutes", value: "2" },
    ],
  },
  {
    id: "7677771e-5eab-422e-83fa-dc04080d21b7",
    name: "cluster_maintenance",
    properties: [
      { name: "HighUtilization", value: "80" },
      { name: "CpuOverCommitDurationMinutes", value: "2" },
    ],
  },
  {
    id: "20d25257-b4bd-4589-92a6-c4c5c5d3fd1a",
    name: "evenly_distributed",
    properties: [
      { name: "HighUtilization", value: "80" },
      { name: "CpuOverCommitDurationMinutes", value: "2" },
      { name: "HeSparesCount", value: "0" },
    ],
  },
  {
    id: "5a2b0939-7d46-4b73-a469-e9c2c7fc6a53",
    name: "power_saving",
    properties: [
      { name: "HighUtilization", value: "80" },
      { name: "CpuOverCommitDurationMinutes", value: "2" },
      { name: "LowUtilization", value: "20" },
      { name: "HeSparesCount", value: "0" },
    ],
  },
  {
    id: "8d5d7bec-68de-4a67-b53e-0ac54686d579",
    name: "vm_evenly_distributed",
    properties: [
      { name: "HighUtilization", value: "80" },
      { name: "CpuOverCommitDurationMinutes", value: "2" },
      { name: "HighVmCount", value: "10" },
      { name: "MigrationThreshold", value: "5" },
      { name: "SpmVmGrace", value: "5" },
      { name: "HeSparesCount", value: "0" },
    ],
  },
];

export const DEFAULT_SCHEDULING_POLICY = SCHEDULING_POLICIES[0];

export function findSchedulingPolicy(ref: { id?: string; name?: string }): SchedulingPolicy | undefined {
  return SCHEDULING_POLICIES.find((p) => (ref.id ? p.id === ref.id.toLowerCase() : p.name === ref.name));
}
