import * as packages from './client-packages.js';

/**
 * The client side's packages (./client-packages.ts). In the sources they are imported as they are; in
 * the package this module is replaced (scripts/build.js): the first call runs their script with a V8
 * code cache of every function a sign-in compiled (bin/code-cache.js), which `clientPackagesUsed`
 * writes once a sign-in has used them all, when the cache was missing or refused. A new test process's
 * first sign-in then reads their compiled code instead of compiling it.
 */
export function clientPackages(): typeof packages {
  return packages;
}

/** Called once a sign-in has verified its ID token: it has parsed pages, kept cookies and checked a token. */
export function clientPackagesUsed(): void {
  // The sources have no code cache to write.
}
