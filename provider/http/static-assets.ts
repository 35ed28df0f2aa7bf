import { readFileSync } from 'node:fs';
import type { Middleware } from 'koa';
import { projectPath } from '../config/index.js';

const ASSETS: Record<string, string> = {
  '/assets/site.css': 'text/css; charset=utf-8',
  // The scripts of the check_session_iframe and the front-channel logout page (provider/oidc/).
  '/assets/check-session.js': 'text/javascript; charset=utf-8',
  '/assets/frontchannel-logout.js': 'text/javascript; charset=utf-8',
};

/** The local stylesheet and scripts (no external assets), each read once on first request. */
export function staticAssets(): Middleware {
  const cache = new Map<string, Buffer>();
  return async function serveAsset(ctx, next) {
    const type = ASSETS[ctx.path];
    if (!type || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) {
      await next();
      return;
    }
    let body = cache.get(ctx.path);
    if (!body) {
      body = readFileSync(projectPath('views', ctx.path));
      cache.set(ctx.path, body);
    }
    ctx.type = type;
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = body;
  };
}
