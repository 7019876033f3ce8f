import type { Notifier, Toast } from '../../src/main/client/notifier';

/** Records the toasts it was asked to show (the OS side is tested on a real D-Bus elsewhere). */
export class RecordingNotifier implements Notifier {
  readonly shown: Toast[] = [];
  /** Leads whose toast was taken down (withdraw). */
  readonly withdrawn: string[] = [];
  show(toast: Toast): Promise<void> {
    this.shown.push(toast);
    return Promise.resolve();
  }
  withdraw(leadId: string): void {
    this.withdrawn.push(leadId);
  }
}
