import type { Plugin } from 'esbuild';

/** mime-types with its maps and mime-db's table read on the first question its common answers (worked out at build time) do not cover. */
export declare const mimeTypesMaps: Plugin;
/** JSON files as JSON.parse of a string. */
export declare const jsonParse: Plugin;
/** http-errors with each status's class made when first read. */
export declare const httpErrorsOnFirstUse: Plugin;
/** destroy with node:zlib and Node's file streams required when it first asks whether a stream is one. */
export declare const destroyOnFirstUse: Plugin;
/** depd with a call site's line and column read when first read (a message printed), not when the site is taken. */
export declare const depdLinesOnFirstUse: Plugin;
