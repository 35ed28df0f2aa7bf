import type * as emulatorModules from '../provider/testing/emulator-modules.js';

export interface EmulatorScript {
  readonly exports: { main(argv?: string[], env?: NodeJS.ProcessEnv): Promise<void>; emulator: typeof emulatorModules; validatedAFixtureFileToKeep(): boolean };
  /** `anyStart`: write it also after this process validated and kept a fixture file. */
  saveCodeCache(options?: { anyStart?: boolean }): void;
}
export declare function loadEmulatorScript(): EmulatorScript;
export declare function warmCodeCache(): Promise<never>;
/** The settings of a start that only warms or measures: free loopback ports, errors only. */
export declare const QUIET_START: Readonly<Record<'HOST' | 'PORT' | 'PUBLIC_API_PORT' | 'SMTP_PORT' | 'MAIL_API_PORT' | 'LOG_LEVEL', string>>;
