import type * as emulatorModules from '../provider/testing/emulator-modules.js';

export interface EmulatorScript {
  readonly exports: { main(argv?: string[], env?: NodeJS.ProcessEnv): Promise<void>; emulator: typeof emulatorModules; validatedAFixtureFileToKeep(): boolean };
  saveCodeCache(): void;
}
export declare function loadEmulatorScript(): EmulatorScript;
export declare function warmCodeCache(): Promise<never>;
