import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clientBundleFile } from '../../server/http/clientBundle.js';
import { clientTypesFile, clientTypesSource } from '../../server/http/openapi/clientTypes.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer({ store: 'memory' });

describe('the client as a module', () => {
  it('its committed types are the ones openapi-typescript makes of the OpenAPI document now (else: npm run client:types)', async () => {
    const committed = await readFile(clientTypesFile, 'utf8');
    expect(committed === (await clientTypesSource()), 'visualizations/client/generated/openapi.ts is stale: run npm run client:types').toBe(true);
  });

  it('is the package\'s "./client" export: types from the source, the module where npm run build:client writes it', async () => {
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    const root = fileURLToPath(new URL('../../', import.meta.url));
    expect(manifest.exports['./client']).toEqual({
      types: './visualizations/client/index.ts',
      import: `./${fileURLToPath(clientBundleFile).slice(root.length)}`,
    });
    expect(manifest.scripts.prepack).toBe('npm run build:client');
  });

  it('is served as one ES module any origin may load, which runs a session on its own in Node', async () => {
    const response = await fetch(`${ctx.server.baseUrl}/client/numberflow-client.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const source = await response.text();
    expect(source).not.toMatch(/^\s*import\s/m);

    const { NumberflowClient } = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
    const client = new NumberflowClient({ baseUrl: ctx.server.baseUrl, authToken: await ctx.flow.authToken(androidScheme) });
    const session = await client.openSession('100001');
    const final = await session.numberAuthToken(await ctx.flow.carrierToken('13900131001'));
    expect(final.status).toBe('verified');
  });
});
