/**
 * The guest image's manifest, for both workers. The site's own image's is built into their
 * scripts (vite.config.ts): a start then reads it without waiting for a round trip, which took
 * 0.1-0.25 s of a warm open through the service worker. Another image's (`?image=`) is fetched.
 */
import { parseManifest, type GuestManifest } from '../src/vm/manifest';
import type { Strings } from '../src/i18n';

/** The site's own image folder: the workers' scripts sit one folder below the site's root (assets/). */
const builtInFolder = new URL(/* @vite-ignore */ `../${__GUEST_PATH__}`, import.meta.url).href;

/** The site's own image's manifest when `base` is its folder, else undefined. */
export function builtInManifest(base: URL): GuestManifest | undefined {
  return __GUEST_MANIFEST__ && base.href === builtInFolder ? parseManifest(__GUEST_MANIFEST__) : undefined;
}

/**
 * The manifest of the image in folder `base`, from its server or the offline cache: it also
 * says whether the image is still there. Throws, in `words` for the trainee, when it is not.
 */
export async function fetchManifest(base: URL, words: Strings): Promise<GuestManifest> {
  const w = words.machine;
  const response = await fetch(new URL('manifest.json', base)).catch(() => null);
  if (!response?.ok) {
    throw new Error(w.imageNotLoaded(base.href, response ? `HTTP ${response.status}` : w.unreachable));
  }
  // a static server may answer a missing file with its index page: say what went wrong
  return parseManifest(
    await response.json().catch(() => {
      throw new Error(w.imageNotLoaded(base.href, w.noManifest));
    }),
  );
}
