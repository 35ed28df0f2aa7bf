import type { Router } from '@koa/router';
import type { Middleware } from 'koa';

/** Where a route's path stops being fixed text: a parameter, a group, a wildcard. */
const NOT_FIXED = /[:(*{\\]/;

/**
 * A router's middleware that first looks at the path's first segment (`interaction` of
 * `/interaction/…`): every request meets every router, and a router with no route under that segment
 * passes it on at once instead of matching it against each of its routes. A router with a route whose
 * first segment is not fixed text is always asked.
 */
export function routesBySegment(router: Router): Middleware {
  const routes = router.routes() as Middleware;
  const sensitive = router.opts.sensitive === true;
  const segments = firstSegments(router, sensitive);
  if (segments === undefined) return routes;
  // Not an async function: a request passed on costs no promise of its own.
  return function routerForItsSegments(ctx, next): Promise<void> {
    const segment = firstSegment(ctx.path);
    return segments.has(sensitive ? segment : segment.toLowerCase()) ? (routes(ctx, next) as Promise<void>) : next();
  };
}

/** The first segments of the router's routes (not its `use` layers, which alone answer nothing), or undefined when one is not fixed. */
function firstSegments(router: Router, sensitive: boolean): Set<string> | undefined {
  const segments = new Set<string>();
  for (const layer of router.stack) {
    if (layer.methods.length === 0) continue;
    if (typeof layer.path !== 'string') return undefined;
    const segment = firstSegment(layer.path);
    if (NOT_FIXED.test(segment)) return undefined;
    segments.add(sensitive ? segment : segment.toLowerCase());
  }
  return segments;
}

/** `interaction` of `/interaction/abc`, `` of `/`. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return path.slice(1, end === -1 ? path.length : end);
}
