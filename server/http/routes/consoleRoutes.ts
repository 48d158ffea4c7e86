import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { sameOriginPagePolicy } from '../securityHeaders.js';

/** The console's files: plain HTML, CSS and a browser module under visualizations/console, read once. */
const consoleDir = new URL('../../../visualizations/console/', import.meta.url);
const files = {
  page: readFileSync(new URL('index.html', consoleDir), 'utf8'),
  '/console.js': readFileSync(new URL('console.js', consoleDir), 'utf8'),
  '/console.css': readFileSync(new URL('console.css', consoleDir), 'utf8'),
  '/operatorPages.js': readFileSync(new URL('operatorPages.js', consoleDir), 'utf8'),
  '/smsPages.js': readFileSync(new URL('smsPages.js', consoleDir), 'utf8'),
};
const modules = ['/console.js', '/operatorPages.js', '/smsPages.js'] as const;
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
    res.type('html').send(files.page);
  });
  router.use(consoleAssetsPath, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const module = modules.find((name) => name === req.path);
    if (module) return void res.type('js').send(files[module]);
    if (req.path === '/console.css') return void res.type('css').send(files['/console.css']);
    next();
  });
  return router;
}
