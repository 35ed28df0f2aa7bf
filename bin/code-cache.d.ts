import type * as emulatorModules from '../provider/testing/emulator-modules.js';

export interface EmulatorScript {
  readonly exports: { main(argv?: string[], env?: NodeJS.ProcessEnv): Promise<void>; emulator: typeof emulatorModules; validatedAFixtureFileToKeep(): boolean };
  /**
   * Once a start is ready: writes its code cache when it ran with none (or V8 refused it); `anyStart`: also
   * after this process validated and kept a fixture file. `signedIn`, once it has also served a sign-in:
   * writes the cache of a start and a sign-in, which later starts use first, unless it ran with that one.
   */
  saveCodeCache(options?: { anyStart?: boolean; signedIn?: boolean }): void;
}
export declare function loadEmulatorScript(): EmulatorScript;
export declare function warmCodeCache(): Promise<never>;
/** The settings of a start that only warms or measures: free loopback ports, errors only. */
export declare const QUIET_START: Readonly<Record<'HOST' | 'PORT' | 'PUBLIC_API_PORT' | 'SMTP_PORT' | 'MAIL_API_PORT' | 'LOG_LEVEL', string>>;

export interface ClientScript {
  readonly exports: typeof import('../provider/testing/web/client-packages.js');
  /** Writes the script's code cache when there was none or V8 refused it; call it once a sign-in has used the packages. */
  saveCodeCache(): void;
}
export declare function loadClientScript(): ClientScript;
/** A script the build wrote, as a string, and its modification time; a missing one throws an Error that says to build. */
export declare function readScript(file: string): { source: string; mtimeMs: number };
