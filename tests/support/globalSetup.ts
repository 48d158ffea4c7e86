import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redisServer.js';

/** One throwaway redis-server for the whole run; test files isolate themselves by key prefix. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedisServer();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
