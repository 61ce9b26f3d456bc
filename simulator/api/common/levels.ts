// Compatibility levels ("4.3") as the API carries them: <version><major>4</major><minor>3</minor></version>.
import { type Personality } from "../../personality";

export interface Level {
  major: number;
  minor: number;
}

export function levelString(v: Level): string {
  return `${v.major}.${v.minor}`;
}

export function parseLevel(s: string): Level {
  const [major, minor] = s.split(".").map(Number);
  return { major, minor };
}

export function compareLevels(a: Level, b: Level): number {
  return a.major - b.major || a.minor - b.minor;
}

export function isSupportedLevel(p: Personality, v: Level): boolean {
  return p.clusterLevels.includes(levelString(v));
}

/**
 * A version given in a body counts only when both major and minor are there (DataCenterMapper);
 * otherwise the engine keeps its default.
 */
export function completeLevel(v: { major?: number; minor?: number } | undefined): Level | undefined {
  return v && v.major !== undefined && v.minor !== undefined ? { major: v.major, minor: v.minor } : undefined;
}
