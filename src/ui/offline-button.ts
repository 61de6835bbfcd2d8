/** The "Offline" button: shows what an offline copy costs, asks, then downloads it with progress. */
import { OfflineCopy } from '../offline/offline-copy';
import { errorText } from '../i18n';
import { t } from '../i18n/page';
import type { StatusBar } from './status-bar';

export class OfflineButton {
  private readonly copy: OfflineCopy;

  constructor(
    private readonly button: HTMLButtonElement,
    guestUrl: URL,
    version: string,
    private readonly status: StatusBar,
  ) {
    this.copy = new OfflineCopy(guestUrl, version);
    button.onclick = () => void this.run();
  }

  private async run(): Promise<void> {
    this.button.disabled = true;
    const w = t.offline;
    try {
      const plan = await this.copy.plan();
      if (plan.missing.length === 0) {
        this.status.notice(w.available(plan.total));
        await this.offerExtras();
        return;
      }
      if (!confirm(w.question(plan.missingBytes, plan.total))) return;
      await this.copy.download(plan, (loaded, total) => this.status.noticeProgress(w.downloading, loaded, total));
      this.status.notice(w.done(plan.total));
      this.button.dataset.done = 'true';
      await this.offerExtras();
    } catch (error) {
      this.status.notice(w.failed(errorText(error, t)), true);
    } finally {
      this.button.disabled = false;
    }
  }

  /** The extras disk (etcd's and Kubernetes' programs), asked for apart: the machine works offline without it. */
  private async offerExtras(): Promise<void> {
    const extras = await this.copy.plan('extras');
    if (extras.missing.length === 0) return;
    const w = t.offline;
    if (!confirm(w.extrasQuestion(extras.missingBytes))) return;
    await this.copy.download(extras, (loaded, total) => this.status.noticeProgress(w.extrasDownloading, loaded, total));
    this.status.notice(w.extrasDone(extras.total));
  }
}
