// Debian's headless Chromium through playwright-core, with the project's launch arguments.
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../playwright.config';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true, timeout: 30_000 });
}
