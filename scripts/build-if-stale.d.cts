/** Writes dist/.build-stamp under `root` (default: this checkout): when the build started (default: now) and the sources it reads. */
export declare function writeBuildStamp(options?: { startedAt?: number; root?: string }): void;
/** Whether `root`'s dist/ needs a build: no stamp, or a listed source changed or went away since. */
export declare function isStale(root?: string): boolean;
/** Builds this checkout's dist/ when it is stale. */
export declare function buildIfStale(): void;
