import { startNumberflow, startHelloWorld } from './benchProcesses.js';
import { runLoad } from './loadTest.js';
const hello = await startHelloWorld();
const nf = await startNumberflow({});
for (let i = 0; i < 2; i++) {
  for (const [name, url, path] of [
    ['hello', hello.baseUrl, '/'],
    ['healthz', nf.baseUrl, '/healthz'],
    ['hello', hello.baseUrl, '/'],
  ] as const) {
    const r = await runLoad(url, { request: { method: 'GET', path } }, { connections: 50, seconds: 4 });
    console.log(name, r.requestsPerSecond.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2), r.failures);
  }
}
await nf.stop();
await hello.kill();
