import { posix, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium, type Machine } from '../support/chromium.js';

/** A made-up machine: these runnable files and nothing else. */
function machine(platform: NodeJS.Platform, files: string[], env: Record<string, string> = {}): Machine {
  const path = platform === 'win32' ? win32 : posix;
  const home = platform === 'win32' ? 'C:\\Users\\anna' : platform === 'darwin' ? '/Users/anna' : '/home/anna';
  return {
    platform,
    env,
    home,
    runnable: (file) => files.includes(file),
    list: (dir) => [...new Set(files.filter((file) => file.startsWith(dir + path.sep)).map((file) => file.slice(dir.length + 1).split(path.sep)[0]!))],
  };
}

const DEBIAN = '/usr/bin/chromium';
const CHROME_LINUX = '/usr/bin/google-chrome-stable';
const PLAYWRIGHT_LINUX = '/home/anna/.cache/ms-playwright';

describe('finding a browser for the browser tests', () => {
  it('takes CHROMIUM_PATH first, and refuses one that is not there instead of silently using another', () => {
    expect(findChromium(machine('linux', ['/opt/my/chrome', DEBIAN], { CHROMIUM_PATH: '/opt/my/chrome' }))).toBe('/opt/my/chrome');
    expect(() => findChromium(machine('linux', [DEBIAN], { CHROMIUM_PATH: '/opt/gone/chrome' }))).toThrow(
      'CHROMIUM_PATH=/opt/gone/chrome is not a browser that can be run: point it at Chromium or Chrome, or unset it to look in the usual places',
    );
  });

  it("takes Debian's Chromium before Google Chrome, and Chrome before a Playwright download", () => {
    const playwright = `${PLAYWRIGHT_LINUX}/chromium-1200/chrome-linux64/chrome`;
    expect(findChromium(machine('linux', [playwright, CHROME_LINUX, DEBIAN]))).toBe(DEBIAN);
    expect(findChromium(machine('linux', [playwright, CHROME_LINUX]))).toBe(CHROME_LINUX);
  });

  it('finds Google Chrome where its installers put it on macOS and Windows', () => {
    expect(findChromium(machine('darwin', ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome']))).toBe('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(findChromium(machine('darwin', ['/Users/anna/Applications/Chromium.app/Contents/MacOS/Chromium']))).toBe('/Users/anna/Applications/Chromium.app/Contents/MacOS/Chromium');
    const perUser = 'C:\\Users\\anna\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe';
    expect(findChromium(machine('win32', [perUser], { LOCALAPPDATA: 'C:\\Users\\anna\\AppData\\Local', PROGRAMFILES: 'C:\\Program Files' }))).toBe(perUser);
    const machineWide = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    expect(findChromium(machine('win32', [machineWide], { LOCALAPPDATA: 'C:\\Users\\anna\\AppData\\Local', PROGRAMFILES: 'C:\\Program Files' }))).toBe(machineWide);
  });

  it('finds a Chromium Playwright already downloaded, the newest full browser first, in the layouts of old and new releases', () => {
    const old = `${PLAYWRIGHT_LINUX}/chromium-1091/chrome-linux/chrome`;
    const newer = `${PLAYWRIGHT_LINUX}/chromium-1200/chrome-linux64/chrome`;
    const shell = `${PLAYWRIGHT_LINUX}/chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell`;
    expect(findChromium(machine('linux', [old, shell, newer]))).toBe(newer);
    expect(findChromium(machine('linux', [old]))).toBe(old);
    expect(findChromium(machine('linux', [shell]))).toBe(shell);
    expect(findChromium(machine('linux', ['/tmp/pw/chromium-1200/chrome-linux64/chrome'], { PLAYWRIGHT_BROWSERS_PATH: '/tmp/pw' }))).toBe('/tmp/pw/chromium-1200/chrome-linux64/chrome');
  });

  it("looks in Playwright's cache on macOS and Windows too", () => {
    const mac = '/Users/anna/Library/Caches/ms-playwright/chromium-1200/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing';
    expect(findChromium(machine('darwin', [mac]))).toBe(mac);
    const windows = 'C:\\Users\\anna\\AppData\\Local\\ms-playwright\\chromium-1200\\chrome-win64\\chrome.exe';
    expect(findChromium(machine('win32', [windows], { LOCALAPPDATA: 'C:\\Users\\anna\\AppData\\Local' }))).toBe(windows);
  });

  it('without any, fails naming where it looked and the command that installs one on this platform', () => {
    expect(() => findChromium(machine('linux', []))).toThrow(
      "the browser tests need Chromium or Chrome, and there is none in the usual places or Playwright's cache (/home/anna/.cache/ms-playwright): install one with `sudo apt-get install chromium`, or set CHROMIUM_PATH to one",
    );
    expect(() => findChromium(machine('darwin', []))).toThrow('install one with `brew install --cask chromium`, or set CHROMIUM_PATH to one');
    expect(() => findChromium(machine('win32', [], { LOCALAPPDATA: 'C:\\Users\\anna\\AppData\\Local' }))).toThrow(
      "Playwright's cache (C:\\Users\\anna\\AppData\\Local\\ms-playwright): install one with `npx playwright-core install chromium`, or set CHROMIUM_PATH to one",
    );
  });
});
