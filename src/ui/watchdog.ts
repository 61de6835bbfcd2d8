/**
 * The page's watchdog on the guest: a heartbeat every few seconds (the guest's memory figure
 * for the status bar, a command the guest agent runs), and the verdict that the machine
 * stopped answering when a heartbeat has gone unanswered for SILENCE_MS. A guest that answers
 * again clears the verdict. No DOM: the guest tests drive it against the real guest in Node.
 */

/** a heartbeat every this many ms (one at a time) */
export const HEARTBEAT_MS = 3_000;
/** a heartbeat unanswered (or failed) this long: the machine stopped answering */
export const SILENCE_MS = 6_000;
/** how often the age of an unanswered heartbeat is looked at */
export const CHECK_MS = 1_000;
/** a heartbeat in flight this long makes the guest "late": no save is taken meanwhile */
export const LATE_MS = 2_000;
/**
 * A heartbeat answered this slowly says the guest may be going down (a fork bomb's answers
 * take seconds before they stop): the next one goes FOLLOW_UP_MS after it instead of at the
 * next beat, so the verdict comes that much sooner.
 */
export const SLOW_MS = 1_000;
export const FOLLOW_UP_MS = 1_000;
/** The guest's memory in use (bytes), for the status bar: the heartbeat's command. */
export const MEMORY_IN_USE = "awk '/MemTotal/{t=$2} /MemAvailable/{a=$2} END{print (t-a)*1024}' /proc/meminfo";
/**
 * Saves taken after the guest's last answer, or this long before it, may hold what stopped it
 * (a fork bomb's heartbeats answer up to about 4.5 s after its Enter; a shutdown's about 5 s):
 * the restart after a verdict goes back to the last save taken before.
 */
export const SUSPECT_MS = 10_000;

export interface WatchdogHost {
  /** One heartbeat: the guest's answer (its memory in use, bytes), null or a rejection when there is none within `timeoutMs`. */
  beat(timeoutMs: number): Promise<number | null>;
  /** the guest answered a heartbeat */
  answered(value: number): void;
  /** no answer for SILENCE_MS: the machine stopped answering */
  stopped(): void;
  /** a heartbeat answered after a verdict */
  answersAgain(): void;
}

export class Watchdog {
  /** when the guest last answered a heartbeat (the clock of `now`); the start counts as one */
  lastAnswerAt: number;
  /** the verdict is out: the machine stopped answering */
  alarmed = false;
  /** when the oldest heartbeat still without an answer was sent (failed ones included) */
  private missingSince: number | null = null;
  private sentAt: number | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private followUp: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(
    private readonly host: WatchdogHost,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastAnswerAt = now();
  }

  start(): void {
    this.stop();
    this.running = true;
    this.lastAnswerAt = this.now();
    this.alarmed = false;
    this.missingSince = null;
    this.sentAt = null;
    this.timers = [setInterval(() => void this.beat(), HEARTBEAT_MS), setInterval(() => this.check(), CHECK_MS)];
    void this.beat();
  }

  stop(): void {
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.followUp);
    this.timers = [];
  }

  /** The guest answers: no verdict, no heartbeat missed, none late (the autosave saves only then). */
  get healthy(): boolean {
    return !this.alarmed && this.missingSince === null && (this.sentAt === null || this.now() - this.sentAt < LATE_MS);
  }

  /** Sends a heartbeat unless one is still waiting for its answer. */
  async beat(): Promise<void> {
    if (!this.running || this.sentAt !== null) return;
    const sent = this.now();
    this.sentAt = sent;
    let value: number | null;
    try {
      value = await this.host.beat(SILENCE_MS);
    } catch {
      value = null;
    }
    this.sentAt = null;
    if (!this.running) return;
    if (value === null || !Number.isFinite(value)) {
      this.missingSince ??= sent;
      this.check();
      return;
    }
    this.lastAnswerAt = this.now();
    this.missingSince = null;
    if (this.lastAnswerAt - sent >= SLOW_MS) {
      clearTimeout(this.followUp);
      this.followUp = setTimeout(() => void this.beat(), FOLLOW_UP_MS);
    }
    this.host.answered(value);
    if (this.alarmed) {
      this.alarmed = false;
      this.host.answersAgain();
    }
  }

  /** Gives the verdict once a heartbeat has waited SILENCE_MS for its answer. */
  check(): void {
    if (!this.running || this.alarmed) return;
    const since = this.missingSince ?? this.sentAt;
    if (since === null || this.now() - since < SILENCE_MS) return;
    this.alarmed = true;
    this.host.stopped();
  }
}
