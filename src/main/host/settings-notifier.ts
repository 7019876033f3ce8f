import type { AppSettings } from '../../shared/app-api';
import type { Notifier, Toast } from '../client/notifier';

/**
 * The toasts the core asks for, through the rep's settings: none while do-not-disturb is on,
 * silent when sound is off. What the OS does with it is the wrapped notifier's business.
 *
 *   core.connect({ ..., notifier: settingsNotifier(() => settings.value, osNotifier) });
 */
export function settingsNotifier(settings: () => AppSettings, inner: Notifier): Notifier {
  return {
    show: (toast: Toast) => {
      const { doNotDisturb, sound } = settings();
      if (doNotDisturb) return Promise.resolve();
      return inner.show({ ...toast, silent: !sound });
    },
    withdraw: (leadId: string) => inner.withdraw?.(leadId),
  };
}
