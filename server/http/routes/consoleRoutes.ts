import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { sameOriginPagePolicy } from '../securityHeaders.js';

/** The console's files: plain HTML, CSS and a browser module under visualizations/console, read once. */
const consoleDir = new URL('../../../visualizations/console/', import.meta.url);
const page = readFileSync(new URL('index.html', consoleDir), 'utf8');
const assets = new Map(
  ['console.js', 'operatorPages.js', 'smsPage.js', 'console.css'].map((name) => [
    `/${name}`,
    { type: name.endsWith('.css') ? 'css' : 'js', body: readFileSync(new URL(name, consoleDir), 'utf8') },
  ]),
);
export const consoleAssetsPath = '/console/assets';

/**
 * Everything from this server, nothing inline: the page's own script and style only. The data
 * comes from the operator API with the admin token the user types in; the page holds no data.
 */
const contentSecurityPolicy = sameOriginPagePolicy();

/** `GET /console`: the product owners' and testers' pages (state charts, sessions live, replays). No auth on the files themselves. */
export function consoleRoutes(): Router {
  const router = Router();
  router.get('/console', contentSecurityPolicy, (_req, res) => {
    res.type('html').send(page);
  });
  router.use(consoleAssetsPath, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const asset = assets.get(req.path);
    if (asset) return void res.type(asset.type).send(asset.body);
    next();
  });
  return router;
}
