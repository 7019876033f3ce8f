import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AppRequest,
  checkAppRequest,
  type InvokeEventLike,
  installAppIpc,
  type IpcMainLike,
  sendAppEvent,
} from '../../../src/main/shell/ipc';
import { APP_CALL_CHANNEL, APP_EVENT_CHANNEL } from '../../../src/shared/app-methods';
import type { AppMethod, AppResult } from '../../../src/shared/app-api';

const APP_PAGE = 'file:///opt/Pounce/resources/app.asar/out/renderer/index.html';
const isAppUrl = (url: string) => url.split('#')[0] === APP_PAGE;
const LEAD = '0b5e3a4c-0000-4000-8000-000000000000';

/** ipcMain with one handler, called the way Electron would. */
function fakeIpcMain() {
  const handlers = new Map<
    string,
    (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>
  >();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => {
      handlers.delete(channel);
    },
  };
  return {
    ipcMain,
    handlers,
    invoke(frame: InvokeEventLike['senderFrame'], ...args: unknown[]) {
      const handler = handlers.get(APP_CALL_CHANNEL);
      if (!handler) throw new Error('no handler');
      return handler({ senderFrame: frame }, ...args) as Promise<AppResult<AppMethod>>;
    },
  };
}

const appFrame = { url: `${APP_PAGE}#/queue`, parent: null };

let forwarded: AppRequest[];
let fake: ReturnType<typeof fakeIpcMain>;
let uninstall: () => void;

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  forwarded = [];
  fake = fakeIpcMain();
  uninstall = installAppIpc({
    ipcMain: fake.ipcMain,
    isAppUrl,
    forward: (request) => {
      forwarded.push(request);
      return Promise.resolve({ ok: true, value: null });
    },
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the app IPC handler', () => {
  it('forwards a valid call from the app page as it was sent', async () => {
    const params = { type: 'addNote', leadId: LEAD, text: '  called, left a voicemail ' };
    await expect(fake.invoke(appFrame, { method: 'lead.command', params })).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(forwarded).toEqual([{ method: 'lead.command', params }]);
  });

  it('takes undefined params (a page calling call("queue.get")) as {}', async () => {
    await fake.invoke(appFrame, { method: 'queue.get', params: undefined });
    expect(forwarded).toEqual([{ method: 'queue.get', params: {} }]);
  });

  it.each([
    ['no frame (it navigated away or was destroyed)', null],
    ['another page', { url: 'https://evil.example/', parent: null }],
    ['another local file', { url: 'file:///etc/passwd', parent: null }],
    ['a subframe showing the app page', { url: APP_PAGE, parent: appFrame }],
  ])('refuses a call from %s before the host sees it', async (_name, frame) => {
    const result = await fake.invoke(frame, { method: 'queue.get', params: {} });
    expect(result).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(forwarded).toEqual([]);
  });

  it.each([
    ['null', null],
    ['a string', 'queue.get'],
    ['an array', ['queue.get', {}]],
    ['no method', { params: {} }],
    ['a method that is not a string', { method: 7, params: {} }],
    ['an extra field', { method: 'queue.get', params: {}, channel: 'other' }],
  ])('refuses an envelope that is %s as invalid_request', async (_name, envelope) => {
    const result = await fake.invoke(appFrame, envelope);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(forwarded).toEqual([]);
  });

  it('refuses more than one argument', async () => {
    const result = await fake.invoke(appFrame, { method: 'queue.get', params: {} }, 'extra');
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(forwarded).toEqual([]);
  });

  it('refuses a method that does not exist, including inherited names', async () => {
    for (const method of ['shell.exec', 'toString', '__proto__', 'constructor']) {
      const result = await fake.invoke(appFrame, { method, params: {} });
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
    expect(forwarded).toEqual([]);
  });

  it('refuses bad params naming the field', async () => {
    const cases: ReadonlyArray<readonly [string, unknown, string]> = [
      ['lead.get', { id: '../../etc' }, 'id'],
      ['lead.get', {}, 'id'],
      ['queue.get', { all: true }, 'all'],
      ['session.signIn', { serverUrl: 'file:///x', email: 'a@b.c', password: 'p' }, 'serverUrl'],
      [
        'lead.command',
        { type: 'logOutcome', leadId: LEAD, disposition: 'won-lottery' },
        'disposition',
      ],
      ['rejected.dismiss', { mutationId: -1 }, 'mutationId'],
      ['settings.set', { theme: 'neon' }, 'theme'],
      ['link.open', { url: 'x'.repeat(5000) }, 'url'],
    ];
    for (const [method, params, field] of cases) {
      const result = await fake.invoke(appFrame, { method, params });
      expect(result.ok, method).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid_request');
        expect(result.error.fields?.map((f) => f.field)).toContain(field);
        expect(result.error.message).toContain(field);
      }
    }
    expect(forwarded).toEqual([]);
  });

  it('answers internal, never rejects, when forwarding throws', async () => {
    const other = fakeIpcMain();
    installAppIpc({
      ipcMain: other.ipcMain,
      isAppUrl,
      forward: () => Promise.reject(new Error('bug')),
    });
    await expect(other.invoke(appFrame, { method: 'queue.get', params: {} })).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'the request failed' },
    });
  });

  it('registers one channel and removes it again', () => {
    expect([...fake.handlers.keys()]).toEqual([APP_CALL_CHANNEL]);
    uninstall();
    expect(fake.handlers.size).toBe(0);
  });
});

describe('checkAppRequest', () => {
  it('accepts every method with good params', () => {
    expect(checkAppRequest({ method: 'leads.search', params: { query: 'acme' } })).toEqual({
      ok: true,
      request: { method: 'leads.search', params: { query: 'acme' } },
    });
  });
});

describe('sendAppEvent', () => {
  function contents(url: string, destroyed = false) {
    return { isDestroyed: () => destroyed, getURL: () => url, send: vi.fn() };
  }

  it('sends on the event channel to the app page', () => {
    const target = contents(APP_PAGE);
    expect(sendAppEvent(target, isAppUrl, { type: 'online' })).toBe(true);
    expect(target.send).toHaveBeenCalledWith(APP_EVENT_CHANNEL, { type: 'online' });
  });

  it('sends nothing to another page, a destroyed window or no window', () => {
    const elsewhere = contents('https://evil.example/');
    const gone = contents(APP_PAGE, true);
    expect(sendAppEvent(elsewhere, isAppUrl, { type: 'online' })).toBe(false);
    expect(sendAppEvent(gone, isAppUrl, { type: 'online' })).toBe(false);
    expect(sendAppEvent(null, isAppUrl, { type: 'online' })).toBe(false);
    expect(elsewhere.send).not.toHaveBeenCalled();
    expect(gone.send).not.toHaveBeenCalled();
  });
});
