/** The "Offline" button: shows what an offline copy costs, asks, then downloads it with progress. */
import { OfflineCopy } from '../offline/offline-copy';
import { megabytes } from '../storage/quota';
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
    try {
      const plan = await this.copy.plan();
      if (plan.missing.length === 0) {
        this.status.notice(`LabBox is available offline in this browser (${megabytes(plan.total)}).`);
        await this.offerExtras();
        return;
      }
      const question = `Make LabBox work without a network? This downloads ${megabytes(plan.missingBytes)} (the whole machine is ${megabytes(plan.total)}) and keeps it in this browser.`;
      if (!confirm(question)) return;
      await this.copy.download(plan, (loaded, total) => this.status.noticeProgress('Downloading for offline use', loaded, total));
      this.status.notice(`LabBox is available offline in this browser (${megabytes(plan.total)}). Your machine and labs work with the network cut.`);
      this.button.dataset.done = 'true';
      await this.offerExtras();
    } catch (error) {
      this.status.notice(`Not available offline: ${(error as Error).message}`, true);
    } finally {
      this.button.disabled = false;
    }
  }

  /** The etcd lab's programs, asked for apart: the machine works offline without them. */
  private async offerExtras(): Promise<void> {
    const extras = await this.copy.plan('extras');
    if (extras.missing.length === 0) return;
    if (!confirm(`Also keep the etcd lab's programs for offline use (${megabytes(extras.missingBytes)} more)? Only the etcd lab needs them.`)) return;
    await this.copy.download(extras, (loaded, total) => this.status.noticeProgress("Downloading the etcd lab's programs", loaded, total));
    this.status.notice(`LabBox is available offline in this browser, the etcd lab included (${megabytes(extras.total)} for etcd).`);
  }
}
