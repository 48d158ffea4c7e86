import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { supportCodeLibraryBuilder } from '@cucumber/cucumber';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCamaraEmulator, type CamaraEmulator } from '../emulator/camaraEmulator.js';
import { TestClock } from '../support/testClock.js';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { camaraTargets } from './testPlans/camaraTarget.js';
import { emulatorTarget, facadeServerOptions, numberflowTarget } from './testPlans/camaraTargets.js';
import { defineCamaraSteps } from './testPlans/camaraSteps.js';

/**
 * CAMARA's own Gherkin test plans (tests/fixtures/camara, kept as published) run with cucumber-js and
 * numberflow's step definitions: Number Verification and One Time Password SMS against numberflow's
 * facade, Number Verification and SIM Swap against the operator emulator the CAMARA carrier adapter
 * is tested with. Every scenario of every plan must pass.
 */
const plans = fileURLToPath(new URL('../fixtures/camara/', import.meta.url));
const featuresOf = (folder: string) =>
  readdirSync(`${plans}${folder}`)
    .filter((name) => name.endsWith('.feature'))
    .map((name) => `${folder}/${name}`);

type Message = Parameters<NonNullable<Parameters<typeof runCucumber>[2]>>[0];

interface PlanRun {
  success: boolean;
  scenarios: string[];
  failures: string[];
}

async function runPlans(target: string, paths: string[]): Promise<PlanRun> {
  supportCodeLibraryBuilder.reset(plans, () => randomUUID(), { requireModules: [], requirePaths: [], importPaths: [], loaders: [] });
  defineCamaraSteps();
  const support = supportCodeLibraryBuilder.finalize();
  const { runConfiguration } = await loadConfiguration({ provided: { paths, format: [], worldParameters: { target }, strict: true } }, { cwd: plans });
  const quiet = new PassThrough();
  quiet.resume();
  const messages: Message[] = [];
  const { success } = await runCucumber({ ...runConfiguration, support }, { cwd: plans, stdout: quiet, stderr: quiet }, (message) => messages.push(message));

  const pickles = new Map(messages.flatMap((m) => (m.pickle ? [[m.pickle.id, `${m.pickle.uri}: ${m.pickle.name}`] as const] : [])));
  const testCases = new Map(messages.flatMap((m) => (m.testCase ? [[m.testCase.id, m.testCase.pickleId] as const] : [])));
  const started = new Map(messages.flatMap((m) => (m.testCaseStarted ? [[m.testCaseStarted.id, m.testCaseStarted.testCaseId] as const] : [])));
  const scenarioOf = (startedId: string) => pickles.get(testCases.get(started.get(startedId)!)!)!;
  const failures = messages.flatMap((m) => {
    const finished = m.testStepFinished;
    // A step after a failed one is SKIPPED: the failure says it.
    if (!finished || ['PASSED', 'SKIPPED'].includes(finished.testStepResult.status)) return [];
    return [`${scenarioOf(finished.testCaseStartedId)} — ${finished.testStepResult.status} ${finished.testStepResult.message ?? ''}`.slice(0, 800)];
  });
  const scenarios = messages.flatMap((m) => (m.testCaseFinished ? [scenarioOf(m.testCaseFinished.testCaseStartedId)] : []));
  return { success, scenarios, failures };
}

const clock = new TestClock();
const monitoredPeriodDays = 90;
let emulator: CamaraEmulator;
let server: TestServer;

beforeAll(async () => {
  emulator = await startCamaraEmulator({ now: clock.now, monitoredPeriodDays });
  server = await startTestServer(facadeServerOptions);
  camaraTargets.set('numberflow', numberflowTarget(server));
  camaraTargets.set('emulator', emulatorTarget(emulator, clock, monitoredPeriodDays));
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe("CAMARA's test plans", () => {
  it('Number Verification 2.1.0 and One Time Password SMS 1.1.1 pass against numberflow as a CAMARA provider', async () => {
    const run = await runPlans('numberflow', [...featuresOf('number-verification'), ...featuresOf('one-time-password-sms')]);
    expect(run.failures).toEqual([]);
    expect(run.success).toBe(true);
    // Number Verification: 7 phoneNumberShare + 15 phoneNumberVerify; One Time Password SMS: 16 sendCode + 16 validateCode.
    expect(run.scenarios).toHaveLength(54);
  }, 120_000);

  it('Number Verification 2.1.0 and SIM Swap 2.1.0 pass against the operator emulator', async () => {
    const run = await runPlans('emulator', [...featuresOf('number-verification'), ...featuresOf('sim-swap')]);
    expect(run.failures).toEqual([]);
    expect(run.success).toBe(true);
    // Number Verification: 22 as above; SIM Swap: 24 checkSimSwap (the outlines' 4 examples each) + 13 retrieveSimSwapDate.
    expect(run.scenarios).toHaveLength(59);
  }, 120_000);
});
