import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import { cacheableStaticFile, sameOriginPagePolicy } from '../securityHeaders.js';
import { openApiDocument, type OpenApiOptions } from './openApiDocument.js';

/** Swagger UI's prebuilt files, from the swagger-ui-dist package: served by this server, nothing from a CDN. */
const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
/** Only what the page uses (the package's own index.html and initializer point at an external demo document). */
const swaggerUiFiles = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js', '/favicon-32x32.png', '/favicon-16x16.png']);
export const docsAssetsPath = '/docs/assets';

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>numberflow API reference</title>
    <link rel="stylesheet" href="${docsAssetsPath}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${docsAssetsPath}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${docsAssetsPath}/favicon-16x16.png" sizes="16x16" />
    <link rel="stylesheet" href="${docsAssetsPath}/page.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${docsAssetsPath}/swagger-ui-bundle.js"></script>
    <script src="${docsAssetsPath}/init.js"></script>
  </body>
</html>
`;

/** `validatorUrl: null`: Swagger UI would otherwise send the document to an online validator for its badge. */
const initScript = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
});
`;

const pageStyle = 'body { margin: 0; }\n';

/** Swagger UI from this server: its bundle and stylesheet, the document from `/openapi.json`, icons as data URLs. */
const contentSecurityPolicy = sameOriginPagePolicy();

/** `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (a reference page that renders it), no auth. */
export function docsRoutes(options: OpenApiOptions = {}): Router {
  const router = Router();
  const assets = express.static(swaggerUiDir, { index: false, fallthrough: true, maxAge: '1h' });

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(options));
  });

  router.get('/docs', contentSecurityPolicy, (_req, res) => {
    res.type('html').send(page);
  });

  router.use(docsAssetsPath, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/init.js') return void res.type('js').send(initScript);
    if (req.path === '/page.css') return void res.type('css').send(pageStyle);
    if (swaggerUiFiles.has(req.path)) return cacheableStaticFile(req, res, () => assets(req, res, next));
    next();
  });

  return router;
}
