// The packages the testing library's client side runs on: its cookie jar, its HTML parser and its
// token checks. In the package they are one script of their own (dist/vendor/client-packages.cjs, see
// scripts/build.js), loaded through ./client-script.ts.
export { CookieJar } from 'tough-cookie';
export { parse } from 'parse5';
export { createLocalJWKSet, errors, jwtVerify } from 'jose';
