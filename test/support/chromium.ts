import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** What the finder may look at: the platform, the environment and the files, so a test can make one up. */
export interface Machine {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  /** Whether a file is there and can be run. */
  runnable(path: string): boolean;
  /** The names in a folder; none when it is not there. */
  list(dir: string): string[];
}

const thisMachine = (): Machine => ({
  platform: process.platform,
  env: process.env,
  home: homedir(),
  runnable(path) {
    try {
      accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
});

class ChromiumNotFound extends Error {
  override name = 'ChromiumNotFound';
}

const INSTALL: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'sudo apt-get install chromium',
  darwin: 'brew install --cask chromium',
};
/** Where there is no system package to name: Playwright's own build, for the playwright-core the tests use. */
const FALLBACK_INSTALL = 'npx playwright-core install chromium';

/**
 * A Chromium or Chrome the browser tests can drive, found where users have one: CHROMIUM_PATH, the
 * system's Chromium (Debian's /usr/bin/chromium), Google Chrome's usual places, or a browser that
 * Playwright already downloaded into its cache (the newest first). None: ChromiumNotFound, naming
 * the command that installs one on this platform.
 */
export function findChromium(machine: Machine = thisMachine()): string {
  const configured = machine.env['CHROMIUM_PATH'];
  if (configured) {
    if (machine.runnable(configured)) return configured;
    throw new ChromiumNotFound(`CHROMIUM_PATH=${configured} is not a browser that can be run: point it at Chromium or Chrome, or unset it to look in the usual places`);
  }
  const candidates = [...installedBrowsers(machine), ...playwrightBrowsers(machine)];
  const found = candidates.find((path) => machine.runnable(path));
  if (found) return found;
  throw new ChromiumNotFound(
    `the browser tests need Chromium or Chrome, and there is none in the usual places or Playwright's cache (${playwrightCache(machine)}): ` +
      `install one with \`${INSTALL[machine.platform] ?? FALLBACK_INSTALL}\`, or set CHROMIUM_PATH to one`,
  );
}

function installedBrowsers({ platform, env, home }: Machine): string[] {
  switch (platform) {
    case 'linux':
      return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome', '/opt/google/chrome/chrome'];
    case 'darwin':
      return ['/Applications', posix.join(home, 'Applications')].flatMap((apps) => [posix.join(apps, 'Chromium.app/Contents/MacOS/Chromium'), posix.join(apps, 'Google Chrome.app/Contents/MacOS/Google Chrome')]);
    case 'win32':
      return [env['LOCALAPPDATA'], env['PROGRAMFILES'], env['PROGRAMFILES(X86)']]
        .filter((base): base is string => Boolean(base))
        .flatMap((base) => [win32.join(base, 'Chromium', 'Application', 'chrome.exe'), win32.join(base, 'Google', 'Chrome', 'Application', 'chrome.exe')]);
    default:
      return [];
  }
}

/** Where Playwright keeps its browsers (PLAYWRIGHT_BROWSERS_PATH, else its per-platform cache). */
function playwrightCache({ platform, env, home }: Machine): string {
  if (env['PLAYWRIGHT_BROWSERS_PATH'] && env['PLAYWRIGHT_BROWSERS_PATH'] !== '0') return env['PLAYWRIGHT_BROWSERS_PATH'];
  if (platform === 'win32') return win32.join(env['LOCALAPPDATA'] ?? win32.join(home, 'AppData', 'Local'), 'ms-playwright');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Caches', 'ms-playwright');
  return posix.join(env['XDG_CACHE_HOME'] ?? posix.join(home, '.cache'), 'ms-playwright');
}

/** The executables inside one of Playwright's browser folders, in the layouts its releases have used. */
const PLAYWRIGHT_EXECUTABLES: Partial<Record<NodeJS.Platform, string[][]>> = {
  linux: [
    ['chrome-linux64', 'chrome'],
    ['chrome-linux-arm64', 'chrome'],
    ['chrome-linux', 'chrome'],
    ['chrome-headless-shell-linux64', 'chrome-headless-shell'],
    ['chrome-headless-shell-linux-arm64', 'chrome-headless-shell'],
    ['chrome-linux', 'headless_shell'],
  ],
  darwin: [
    ['chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
    ['chrome-headless-shell-mac-arm64', 'chrome-headless-shell'],
    ['chrome-headless-shell-mac-x64', 'chrome-headless-shell'],
    ['chrome-mac', 'headless_shell'],
  ],
  win32: [
    ['chrome-win64', 'chrome.exe'],
    ['chrome-win', 'chrome.exe'],
    ['chrome-headless-shell-win64', 'chrome-headless-shell.exe'],
    ['chrome-win', 'headless_shell.exe'],
  ],
};

/** Playwright's Chromium builds, full browsers before headless shells, newest revision first. */
function playwrightBrowsers(machine: Machine): string[] {
  const cache = playwrightCache(machine);
  const path = machine.platform === 'win32' ? win32 : posix;
  const builds = machine
    .list(cache)
    .map((name) => ({ name, match: /^chromium(_headless_shell)?-(\d+)$/.exec(name) }))
    .filter((build) => build.match !== null)
    .sort((a, b) => Number(Boolean(a.match![1])) - Number(Boolean(b.match![1])) || Number(b.match![2]) - Number(a.match![2]));
  return builds.flatMap(({ name }) => (PLAYWRIGHT_EXECUTABLES[machine.platform] ?? []).map((parts) => path.join(cache, name, ...parts)));
}
