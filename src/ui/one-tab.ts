/**
 * One machine, one tab. Every tab of the site shares one IndexedDB, so two tabs running the
 * saved machine would each autosave their own copy over the other's. The tab that runs it
 * holds a Web Lock; a second tab finds the lock taken and asks the trainee what to do: move
 * the machine here (the first tab saves it, stops and lets go of the lock, then this tab
 * restores that save) or open a separate machine that saves nowhere but under its own name.
 * The tabs talk over a BroadcastChannel.
 */
import { t } from '../i18n/page';

export const LOCK_NAME = 'labbox-machine';

/** What the tabs say to each other on the channel. */
export type OneTabMessage =
  /** a tab asks the one holding the machine to save it and let go */
  | { type: 'hand-over' }
  /** the holder could not save: it keeps the machine, nothing is lost */
  | { type: 'refused'; reason: string };

/** The parts of the platform used here (navigator.locks, BroadcastChannel), small enough to fake in tests. */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<unknown> | unknown): Promise<unknown>;
}
export interface ChannelLike {
  postMessage(message: OneTabMessage): void;
  onmessage: ((event: { data: OneTabMessage }) => void) | null;
}

export interface Platform {
  /** none: a browser without Web Locks, where every tab runs its own machine as it always could */
  locks?: LockManagerLike;
  channel?: ChannelLike;
}

function browserPlatform(): Platform {
  const locks = typeof navigator === 'object' ? (navigator.locks as LockManagerLike | undefined) : undefined;
  const channel = typeof BroadcastChannel === 'function' ? (new BroadcastChannel(LOCK_NAME) as unknown as ChannelLike) : undefined;
  return { locks, channel };
}

/** How long a tab waits for the holder to save and let go before it says so. */
export const HAND_OVER_TIMEOUT_MS = 120_000;

export class OneTab {
  private letGo: (() => void) | null = null;
  private waiting: Promise<boolean> | null = null;
  private onRefused: ((reason: string) => void) | null = null;
  /**
   * What this tab does when another asks for the machine: resolves with null once the
   * machine is saved and stopped, or with the reason it could not be saved.
   */
  onHandOverAsked: (() => Promise<string | null>) | null = null;
  /** runs once this tab has let go of the machine for another */
  onHandedOver: (() => void) | null = null;

  constructor(private readonly platform: Platform = browserPlatform()) {
    if (platform.channel) platform.channel.onmessage = (event) => void this.receive(event.data);
  }

  /** Whether this tab holds the machine. */
  get holds(): boolean {
    return this.letGo !== null || !this.platform.locks;
  }

  /** Takes the machine when no other tab has it; false when one does. */
  tryTake(): Promise<boolean> {
    return this.hold(true);
  }

  /**
   * Takes the machine, waiting up to `graceMs` for a tab that is letting go of it: a reloaded
   * page's previous document may hold the lock for a moment after the new one starts.
   */
  async takeWithin(graceMs: number): Promise<boolean> {
    if (await this.tryTake()) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    try {
      return await Promise.race([this.waitForMachine(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once this tab holds the machine: when the tab that has it lets go (closed, or handed it over). */
  waitForMachine(): Promise<boolean> {
    return (this.waiting ??= this.hold(false).finally(() => (this.waiting = null)));
  }

  /**
   * Asks the tab holding the machine to hand it over, and resolves once this tab holds it; rejects
   * with the holder's reason when it could not save, or after `timeoutMs` without an answer.
   */
  async askHandOver(timeoutMs = HAND_OVER_TIMEOUT_MS): Promise<void> {
    if (this.holds) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refused = new Promise<never>((_, reject) => {
      this.onRefused = (reason) => reject(new Error(t.oneTab.refused(reason)));
      timer = setTimeout(() => reject(new Error(t.oneTab.noAnswer)), timeoutMs);
    });
    const taken = this.waitForMachine();
    this.platform.channel?.postMessage({ type: 'hand-over' });
    try {
      await Promise.race([taken, refused]);
    } finally {
      clearTimeout(timer);
      this.onRefused = null;
    }
  }

  /** Lets go of the machine (it was saved and stopped): a waiting tab takes it. */
  release(): void {
    this.letGo?.();
    this.letGo = null;
  }

  private hold(ifAvailable: boolean): Promise<boolean> {
    const locks = this.platform.locks;
    if (!locks) return Promise.resolve(true);
    if (this.letGo) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      locks
        .request(LOCK_NAME, { ifAvailable }, (lock) => {
          if (!lock) return resolve(false);
          resolve(true);
          // held until release(): the lock goes with the callback's promise
          return new Promise<void>((done) => (this.letGo = done));
        })
        .catch(reject);
    });
  }

  private async receive(message: OneTabMessage): Promise<void> {
    if (message.type === 'refused') this.onRefused?.(message.reason);
    else if (message.type === 'hand-over' && this.letGo) {
      const reason = this.onHandOverAsked ? await this.onHandOverAsked() : null;
      if (reason === null) {
        this.release();
        this.onHandedOver?.();
      } else this.platform.channel?.postMessage({ type: 'refused', reason });
    }
  }
}
