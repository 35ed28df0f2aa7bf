/** Writes dist/.build-stamp under `root` (default: this checkout), listing the sources a build reads. */
export declare function writeBuildStamp(root?: string): void;
/** Whether `root`'s dist/ needs a build: no stamp, or a listed source changed or went away since. */
export declare function isStale(root?: string): boolean;
/** Builds this checkout's dist/ when it is stale. */
export declare function buildIfStale(): void;
