import type { TestProject } from 'vitest/node';
import { startRedisCluster } from './redisCluster.js';

/**
 * One throwaway three-master Redis Cluster for the `cluster` project. It provides the same
 * `redisUrl` as globalSetup.ts, as comma-separated seeds, so the same tests run against it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startRedisCluster();
  project.provide('redisUrl', cluster.url);
  return () => cluster.stop();
}
