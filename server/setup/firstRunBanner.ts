import type { Config } from '../config/config.js';
import type { Numberflow } from '../createNumberflow.js';

/** What a developer needs to start: printed once, when the credentials are generated. */
export function firstRunBanner(baseUrl: string, config: Config, firstRun: Numberflow['firstRun']): string {
  const lines = [
    `numberflow listening on ${baseUrl} (${config.redisUrl ? 'Redis' : 'in-memory store'}, ${config.production ? 'production' : 'development'} mode)`,
  ];
  if (firstRun.adminToken) lines.push(`  admin token (generated):  ${firstRun.adminToken}`);
  if (firstRun.uplinkWebhookSecret) lines.push(`  uplink SMS webhook secret (generated): ${firstRun.uplinkWebhookSecret}`);
  if (firstRun.accessKey) lines.push(`  access key (generated):   ${firstRun.accessKey.id}:${firstRun.accessKey.secret}`);
  if (firstRun.adminToken || firstRun.accessKey)
    lines.push('  These are shown once. Set ADMIN_TOKEN, ACCESS_KEY_ID/ACCESS_KEY_SECRET, NUMBERFLOW_SECRET and UPLINK_WEBHOOK_SECRET to choose your own.');
  if (firstRun.seededSchemes.length) {
    lines.push('  demo schemes:');
    for (const s of firstRun.seededSchemes) {
      // An H5 scheme is found by its URL and origin together (GetAuthToken needs both).
      const identity = [s.packageName, s.packageSign, s.bundleId, s.appId, s.origin, s.url].filter(Boolean).join(' ');
      lines.push(`    ${s.code}  ${s.platform.padEnd(9)} ${identity}`);
    }
  }
  if (!config.production) {
    lines.push(`  simulator: POST ${baseUrl}/v1/simulator/carrier-token, GET ${baseUrl}/v1/simulator/sms?phoneNumber=…`);
    lines.push('  development mode: the simulator is open to anyone. Never expose this server; in production set NODE_ENV=production.');
  }
  lines.push(`  console: ${baseUrl}/console   API reference: ${baseUrl}/docs`);
  return `${lines.join('\n')}\n`;
}
