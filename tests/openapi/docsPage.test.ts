import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../server/http/openapi/openApiDocument.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer({ store: 'memory' });
const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** `http(s)://` URLs in a text, other than this server's own. */
function externalUrls(text: string, baseUrl: string): string[] {
  return (text.match(/https?:\/\/[^\s"'<>)]+/g) ?? []).filter((url) => !url.startsWith(baseUrl));
}

/** The URLs a page loads: src and href attributes. */
function loadedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
}

describe('GET /openapi.json', () => {
  it('serves the document without credentials, as JSON', async () => {
    const response = await ctx.server.api.get('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual(buildOpenApiDocument({ simulator: true }));
  });
});

describe('GET /docs, the API reference page', () => {
  it('is HTML served by this server that loads only this server’s files and names no other host', async () => {
    const response = await ctx.server.api.get('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = response.body as string;
    expect(externalUrls(html, ctx.server.baseUrl)).toEqual([]);
    const urls = loadedUrls(html);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) expect(url, 'a root-relative URL of this server').toMatch(/^\/[^/]/);
  });

  it('every file the page loads is served here; the script points the UI at /openapi.json with no online validator', async () => {
    const html = (await ctx.server.api.get('/docs')).body as string;
    for (const url of loadedUrls(html)) {
      const response = await fetch(`${ctx.server.baseUrl}${url}`);
      expect(response.status, url).toBe(200);
      const body = await response.text();
      if (url.endsWith('.js')) expect(response.headers.get('content-type'), url).toMatch(/javascript/);
      if (url.endsWith('.css')) expect(response.headers.get('content-type'), url).toMatch(/^text\/css/);
      if (url.endsWith('/init.js')) {
        expect(externalUrls(body, ctx.server.baseUrl)).toEqual([]);
        expect(body).toContain("url: '/openapi.json'");
        expect(body).toContain('validatorUrl: null');
      }
    }
  });

  it('the bundle is the swagger-ui-dist file from node_modules, and its stylesheet loads nothing from elsewhere', async () => {
    const bundle = await (await fetch(`${ctx.server.baseUrl}/docs/assets/swagger-ui-bundle.js`)).text();
    expect(bundle).toBe(readFileSync(path.join(swaggerUiDir, 'swagger-ui-bundle.js'), 'utf8'));
    const css = await (await fetch(`${ctx.server.baseUrl}/docs/assets/swagger-ui.css`)).text();
    expect(css.match(/@import|url\(\s*['"]?https?:/g) ?? []).toEqual([]);
  });

  it("serves none of the package's other files (its demo page points at an external document)", async () => {
    for (const file of ['index.html', 'swagger-initializer.js', 'package.json', '../package.json', 'swagger-ui-bundle.js.map']) {
      const response = await ctx.server.api.get(`/docs/assets/${file}`);
      expect(response.status, file).toBe(404);
      expect(response.body.error.code).toBe('ROUTE_NOT_FOUND');
    }
  });
});
