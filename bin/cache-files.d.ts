/** Written whole or not at all; a file that cannot be written is left unwritten. */
export declare function writeQuietly(file: string, data: string | NodeJS.ArrayBufferView): void;
/** Removes all but the `keep` files of `dir` that `kind` names with the latest modification times. */
export declare function keepNewest(dir: string, kind: (name: string) => boolean, keep: number): void;
