import notifier from 'node-notifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  notificationBusUnavailable,
  startNotificationBus,
  type NotificationBus,
} from '../helpers/notification-bus';

/*
 * A real desktop notification: node-notifier runs notify-send, which calls Notify on the D-Bus
 * session bus, where a real daemon (dunst) takes it. The test reads the call off the bus.
 */
const unavailable = notificationBusUnavailable();
let bus: NotificationBus | undefined;

beforeAll(async () => {
  if (!unavailable) bus = await startNotificationBus();
});
afterAll(() => bus?.close());

describe.skipIf(unavailable !== null)(`OS notifications over D-Bus ${unavailable ?? ''}`, () => {
  it('node-notifier makes a real Notify call that reaches the notification daemon', async () => {
    if (!bus) throw new Error('bus not started');
    const saved = { DISPLAY: process.env.DISPLAY, BUS: process.env.DBUS_SESSION_BUS_ADDRESS };
    // notify-send is spawned with this process's environment.
    process.env.DISPLAY = bus.env.DISPLAY;
    process.env.DBUS_SESSION_BUS_ADDRESS = bus.env.DBUS_SESSION_BUS_ADDRESS;
    try {
      const sent = new notifier.NotifySend({ withFallback: false });
      const error = await new Promise<Error | null>((resolve) =>
        sent.notify(
          { title: 'Hot lead: Ada Byron', message: 'Analytical Engines Ltd · demo request' },
          // node-notifier reports success as an empty error value, not always null.
          (err) => resolve(err instanceof Error ? err : null),
        ),
      );
      expect(error).toBeNull();
      const seen = await bus.next((n) => n.summary === 'Hot lead: Ada Byron');
      expect(seen.body).toBe('Analytical Engines Ltd · demo request');
    } finally {
      process.env.DISPLAY = saved.DISPLAY;
      process.env.DBUS_SESSION_BUS_ADDRESS = saved.BUS;
      if (saved.DISPLAY === undefined) delete process.env.DISPLAY;
      if (saved.BUS === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    }
  });
});
