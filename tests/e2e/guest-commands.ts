/** The guest commands of images/guest/rootfs/usr/local/bin, typed into a machine whose image predates them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { typeLine, waitForText } from './browser';

/** Writes the repository's copy of `name` into the guest's /usr/local/bin (the same bytes the image carries). */
export async function installGuestCommand(page: Page, name: string): Promise<void> {
  const script = readFileSync(path.resolve(import.meta.dirname, '../../images/guest/rootfs/usr/local/bin', name));
  await typeLine(page, `clear; echo ${script.toString('base64')} | base64 -d > /usr/local/bin/${name} && chmod 755 /usr/local/bin/${name} && echo in""stalled`);
  await waitForText(page, /^installed$/m, 60_000);
}
