// Jest runs the TypeScript sources through ts-jest (transpile only; `npm run typecheck` type-checks).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testTimeout: 120000,
  // End-to-end suites start engines and the Pulumi CLI: keep them from competing for 2 cores.
  maxWorkers: 2,
};
