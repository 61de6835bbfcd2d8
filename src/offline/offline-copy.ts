/**
 * "Make available offline": every file of this build's guest image into the Cache Storage
 * cache the service worker serves them from. The list and sizes come from the build
 * (guest/<version>/files.json), so the trainee sees the total before anything is fetched.
 * The extras disk (etcd's and Kubernetes' programs) and the machines started from their own
 * snapshots (the Kubernetes lab's) are offered on their own: most trainees never read them,
 * and the default machine alone stays within what a classroom can download.
 */
import { guestCacheName } from './guest-cache';
import { t } from '../i18n/page';

export interface GuestFile {
  path: string;
  size: number;
}

export interface OfflinePlan {
  total: number;
  missing: GuestFile[];
  missingBytes: number;
}

/** The browser cannot keep files for offline use here (plain http on a LAN address, say). */
export class OfflineUnavailableError extends Error {
  override name = 'OfflineUnavailableError';
}

/** Which files a plan covers: the default machine, or the extras (disk and machines/). */
export type OfflinePart = 'machine' | 'extras';
/** the extras disk and the machines of the labs that need it (machines/, GuestManifest.machines) */
const isExtra = (file: GuestFile) => file.path.startsWith('extras/') || file.path.startsWith('machines/');

const PARALLEL = 4;

export class OfflineCopy {
  constructor(
    /** the guest image's folder, ending in "/" */
    private readonly guestUrl: URL,
    private readonly version: string,
  ) {}

  private async cache(): Promise<Cache> {
    if (!('caches' in self) || !('serviceWorker' in navigator)) {
      throw new OfflineUnavailableError(t.offline.unavailableHere);
    }
    return caches.open(guestCacheName(this.version));
  }

  async plan(part: OfflinePart = 'machine'): Promise<OfflinePlan> {
    const cache = await this.cache();
    const response = await fetch(new URL('files.json', this.guestUrl)).catch(() => null);
    if (!response?.ok) throw new Error(t.offline.listFailed(response ? `HTTP ${response.status}` : t.offline.networkError));
    const files = ((await response.json()) as GuestFile[]).filter((f) => isExtra(f) === (part === 'extras'));
    const cached = new Set((await cache.keys()).map((r) => r.url));
    const missing = files.filter((f) => !cached.has(new URL(f.path, this.guestUrl).href));
    const sum = (list: GuestFile[]) => list.reduce((n, f) => n + f.size, 0);
    return { total: sum(files), missing, missingBytes: sum(missing) };
  }

  /** Fetches the missing files into the cache; what was stored before a failure stays stored. */
  async download(plan: OfflinePlan, onProgress: (loaded: number, total: number) => void): Promise<void> {
    const cache = await this.cache();
    const queue = [...plan.missing];
    let loaded = 0;
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const url = new URL(file.path, this.guestUrl).href;
        const response = await fetch(url, { cache: 'no-store' }).catch(() => null);
        if (!response?.ok) throw new Error(t.offline.fileFailed(file.path, response ? `HTTP ${response.status}` : t.offline.unreachable));
        try {
          await cache.put(url, response);
        } catch (error) {
          if ((error as Error).name === 'QuotaExceededError') {
            throw new Error(t.offline.noRoom(plan.missingBytes), { cause: error });
          }
          throw error;
        }
        loaded += file.size;
        onProgress(loaded, plan.missingBytes);
      }
    };
    await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        worker().catch((error) => {
          queue.length = 0; // the other downloads stop after their current file
          throw error;
        }),
      ),
    );
  }
}
