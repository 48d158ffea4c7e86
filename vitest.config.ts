import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The integration tests that use the project's Redis run a second time, against a Redis Cluster:
 * the HTTP and engine suites, and every other test file that connects to that Redis itself
 * (`inject('redisUrl')`) or starts a test server (on that Redis unless told otherwise), except
 * those that start a redis-server of their own for it.
 */
const redisTests = [
  'tests/http/**/*.test.ts',
  'tests/engine/**/*.test.ts',
  ...testFiles()
    .filter(
      ({ source }) =>
        /\binject\(\s*['"`]redisUrl['"`]\s*\)/.test(source) || (/\b(?:useTestServer|startTestServer)\(/.test(source) && !/\bstartRedisServer\(/.test(source)),
    )
    .map(({ file }) => file),
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker per core but one; many files here mostly wait (spawned servers,
    // real timers), so on a two-core machine two workers finish both projects in far less time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // One run, one summary. Each project's globalSetup provides `redisUrl`: one redis-server for
    // `single`, the comma-separated seeds of a three-master Redis Cluster for `cluster`.
    projects: [
      {
        extends: true,
        test: { name: 'single', include: ['tests/**/*.test.ts'], globalSetup: ['tests/support/globalSetup.ts'] },
      },
      {
        extends: true,
        test: { name: 'cluster', include: redisTests, globalSetup: ['tests/support/globalSetupCluster.ts'] },
      },
    ],
  },
});

/** Every test file with its source; `file` relative to the project root, as `include` takes it. */
function testFiles(): { file: string; source: string }[] {
  const root = fileURLToPath(new URL('.', import.meta.url));
  return readdirSync(path.join(root, 'tests'), { recursive: true, encoding: 'utf8' })
    .map((file) => `tests/${file.split(path.sep).join('/')}`)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => ({ file, source: readFileSync(path.join(root, file), 'utf8') }));
}
