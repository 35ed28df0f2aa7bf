import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Middleware } from 'koa';
import { projectPath } from '../config/index.js';

const ASSETS: Record<string, string> = {
  '/assets/site.css': 'text/css; charset=utf-8',
  // The scripts of the check_session_iframe and the front-channel logout page (provider/oidc/).
  '/assets/check-session.js': 'text/javascript; charset=utf-8',
  '/assets/frontchannel-logout.js': 'text/javascript; charset=utf-8',
  // Passkeys and security keys (provider/webauthn): our script, and the browser library it drives.
  '/assets/webauthn.js': 'text/javascript; charset=utf-8',
  '/assets/simplewebauthn-browser.js': 'text/javascript; charset=utf-8',
  // The sign-in debugger's wider layout, and the script that reads a fragment response (provider/debugger/).
  '/assets/debugger.css': 'text/css; charset=utf-8',
  '/assets/debugger-fragment.js': 'text/javascript; charset=utf-8',
  // The control room's (/_mock) own styles and its live parts.
  '/assets/control-room.css': 'text/css; charset=utf-8',
  '/assets/control-room.js': 'text/javascript; charset=utf-8',
};

/** Scripts served as their package ships them (its single-file build), not from views/. */
const FROM_PACKAGES: Record<string, () => string> = {
  '/assets/simplewebauthn-browser.js': () => join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js'),
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
      body = readFileSync(FROM_PACKAGES[ctx.path]?.() ?? projectPath('views', ctx.path));
      cache.set(ctx.path, body);
    }
    ctx.type = type;
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = body;
  };
}
