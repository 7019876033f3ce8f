import type { NotificationConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notifier, Toast } from '../../../src/main/client/notifier';
import {
  ElectronNotifier,
  type NotificationLike,
  selectNotifier,
} from '../../../src/main/shell/notifications';

/** Electron's Notification as far as the notifier uses it; the test fires its events. */
class FakeNotification implements NotificationLike {
  static created: FakeNotification[] = [];
  readonly listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  shown = false;
  closed = false;
  throwOnShow = false;
  constructor(readonly options: NotificationConstructorOptions) {
    FakeNotification.created.push(this);
  }
  on(event: string, listener: (...args: never[]) => void): this {
    this.listeners.set(event, [
      ...(this.listeners.get(event) ?? []),
      listener as (...args: unknown[]) => void,
    ]);
    return this;
  }
  show(): void {
    if (this.throwOnShow) throw new Error('no notification server');
    this.shown = true;
  }
  close(): void {
    this.closed = true;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

const toast: Toast = {
  title: 'Hot lead: Ada Byron',
  body: 'Analytical Engines · demo request',
  leadId: 'lead-1',
};

let clicks: (string | undefined)[];
let notifier: ElectronNotifier;
let throwOnShow: boolean;

beforeEach(() => {
  vi.useFakeTimers();
  FakeNotification.created = [];
  clicks = [];
  throwOnShow = false;
  notifier = new ElectronNotifier({
    create: (options) => {
      const n = new FakeNotification(options);
      n.throwOnShow = throwOnShow;
      return n;
    },
    onClick: (leadId) => clicks.push(leadId),
    keep: 3,
  });
});
afterEach(() => {
  vi.useRealTimers();
});

function last(): FakeNotification {
  const n = FakeNotification.created.at(-1);
  if (!n) throw new Error('no notification');
  return n;
}

describe('ElectronNotifier', () => {
  it('takes a lead’s toast down when asked (a teammate claimed the offer); others stay', async () => {
    const first = notifier.show(toast);
    const a = last();
    a.emit('show');
    await first;
    const second = notifier.show({ ...toast, leadId: 'lead-2' });
    const b = last();
    b.emit('show');
    await second;
    notifier.withdraw('lead-1');
    expect([a.closed, b.closed]).toEqual([true, false]);
    notifier.withdraw('lead-1'); // already gone: nothing
    notifier.withdraw('nobody');
    expect(FakeNotification.created.filter((n) => n.closed)).toHaveLength(1);
    // The selected notifier passes it on to the one that showed it.
    const fallback = { show: () => Promise.resolve(), withdraw: vi.fn() };
    selectNotifier({ electron: notifier, fallback, log: () => undefined }).withdraw?.('lead-2');
    expect(b.closed).toBe(true);
    expect(fallback.withdraw).toHaveBeenCalledWith('lead-2');
  });

  it('shows the toast’s title and body, with sound unless the toast is silent', async () => {
    const shown = notifier.show(toast);
    expect(last().options).toEqual({ title: toast.title, body: toast.body, silent: false });
    expect(last().shown).toBe(true);
    last().emit('show');
    await expect(shown).resolves.toBeUndefined();

    const quiet = notifier.show({ ...toast, silent: true });
    expect(last().options.silent).toBe(true);
    last().emit('show');
    await quiet;
  });

  it('on click opens the lead the toast names, once', async () => {
    const shown = notifier.show(toast);
    last().emit('show');
    await shown;
    last().emit('click');
    expect(clicks).toEqual(['lead-1']);
  });

  it('on click of a summary toast only focuses (no lead)', async () => {
    const shown = notifier.show({ title: '5 new leads', body: '2 hot: A, B' });
    last().emit('show');
    await shown;
    last().emit('click');
    expect(clicks).toEqual([undefined]);
  });

  it('rejects when Electron reports the toast failed', async () => {
    const shown = notifier.show(toast);
    last().emit('failed', {}, 'toast activation failed');
    await expect(shown).rejects.toThrow('toast activation failed');
    expect(notifier.onScreen).toBe(0);
  });

  it('rejects when show() throws', async () => {
    throwOnShow = true;
    await expect(notifier.show(toast)).rejects.toThrow('no notification server');
    expect(notifier.onScreen).toBe(0);
  });

  it('takes a toast that neither showed nor failed as shown (not every OS says)', async () => {
    const shown = notifier.show(toast);
    vi.advanceTimersByTime(5000);
    await expect(shown).resolves.toBeUndefined();
  });

  it('keeps each toast referenced until it is closed or clicked, so its click still works', async () => {
    for (let i = 0; i < 2; i += 1) {
      const shown = notifier.show(toast);
      last().emit('show');
      await shown;
    }
    expect(notifier.onScreen).toBe(2);
    FakeNotification.created[0]?.emit('close');
    expect(notifier.onScreen).toBe(1);
    FakeNotification.created[1]?.emit('click');
    expect(notifier.onScreen).toBe(0);
  });

  it('lets go of the oldest references beyond its limit', async () => {
    for (let i = 0; i < 5; i += 1) {
      const shown = notifier.show(toast);
      last().emit('show');
      await shown;
    }
    expect(notifier.onScreen).toBe(3);
  });
});

describe('selectNotifier', () => {
  function recording(fail = false): Notifier & { shown: Toast[] } {
    const shown: Toast[] = [];
    return {
      shown,
      show: (t) => {
        shown.push(t);
        return fail ? Promise.reject(new Error('failed')) : Promise.resolve();
      },
    };
  }
  const log = vi.fn<(line: string) => void>();

  it('uses Electron’s notifier where it is supported', async () => {
    const electron = recording();
    const fallback = recording();
    await selectNotifier({ electron, fallback, log }).show(toast);
    expect(electron.shown).toEqual([toast]);
    expect(fallback.shown).toEqual([]);
  });

  it('uses node-notifier where Electron has no notifications', async () => {
    const fallback = recording();
    const chosen = selectNotifier({ electron: null, fallback, log });
    expect(chosen).toBe(fallback);
    await chosen.show(toast);
    expect(fallback.shown).toEqual([toast]);
  });

  it('falls back to node-notifier for a toast Electron could not show', async () => {
    const electron = recording(true);
    const fallback = recording();
    await selectNotifier({ electron, fallback, log }).show(toast);
    expect(fallback.shown).toEqual([toast]);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('trying node-notifier'));
  });

  it('falls back when Electron’s notifier throws instead of rejecting', async () => {
    const fallback = recording();
    const electron: Notifier = {
      show: () => {
        throw new Error('sync failure');
      },
    };
    await selectNotifier({ electron, fallback, log }).show(toast);
    expect(fallback.shown).toEqual([toast]);
  });

  it('rejects only when both failed', async () => {
    await expect(
      selectNotifier({ electron: recording(true), fallback: recording(true), log }).show(toast),
    ).rejects.toThrow('failed');
  });
});
