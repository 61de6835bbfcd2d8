/**
 * The service worker's registration, and what happens when a new build is published: it
 * waits (Workbox's "waiting" state) until the trainee agrees to switch. If the new build
 * comes with another machine image, the trainee is told that their saved machines will not
 * restore on it, and may keep working on the current one.
 */
import { messageSW, Workbox } from 'workbox-window';
import { t } from '../i18n/page';

export interface UpdateAction {
  label: string;
  run: () => void;
}

export interface UpdateHost {
  ask(message: string, actions: UpdateAction[]): void;
  /** the running machine's image version, or null */
  machineVersion(): string | null;
  /** saves the trainee's machine before the page switches */
  saveFirst(): Promise<unknown>;
}

/** Registers the service worker (built site only); null where the browser has none. */
export function registerServiceWorker(host: UpdateHost): Workbox | null {
  if (!__SERVICE_WORKER__ || !('serviceWorker' in navigator)) return null;
  const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
  wb.addEventListener('waiting', (event) => {
    void (async () => {
      const reply = event.sw ? ((await messageSW(event.sw, { type: 'GET_VERSION' }).catch(() => null)) as { guestVersion?: string } | null) : null;
      const running = host.machineVersion();
      const newImage = !!reply?.guestVersion && !!running && reply.guestVersion !== running;
      const w = t.offline;
      const message = newImage ? w.newImage : w.newVersion;
      host.ask(message, [
        {
          label: newImage ? w.saveAndSwitch : w.switchNow,
          run: async () => {
            await host.saveFirst();
            wb.addEventListener('controlling', () => location.reload());
            wb.messageSkipWaiting();
          },
        },
        { label: newImage ? w.keepWorking : w.later, run: () => host.ask('', []) },
      ]);
    })();
  });
  void wb.register().catch((error) => host.ask(t.offline.noServiceWorker((error as Error).message), []));
  return wb;
}
