import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAppUrl, rendererLocation } from '../../../src/main/shell/renderer-location';

const indexHtmlPath = '/opt/Pounce/resources/app.asar/out/renderer/index.html';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('rendererLocation', () => {
  it('uses the dev server while developing', () => {
    expect(
      rendererLocation({ isPackaged: false, devServerUrl: 'http://localhost:5173', indexHtmlPath }),
    ).toEqual({ kind: 'dev-server', url: 'http://localhost:5173/' });
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app', () => {
    const location = rendererLocation({
      isPackaged: true,
      devServerUrl: 'https://evil.example/',
      indexHtmlPath,
    });
    expect(location).toEqual({ kind: 'file', path: indexHtmlPath, url: `file://${indexHtmlPath}` });
  });

  it('falls back to the built page when the dev server URL is not http(s)', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const location = rendererLocation({
      isPackaged: false,
      devServerUrl: 'file:///tmp/x.html',
      indexHtmlPath,
    });
    expect(location.kind).toBe('file');
  });

  it('uses the built page when no dev server is running', () => {
    expect(
      rendererLocation({ isPackaged: false, devServerUrl: undefined, indexHtmlPath }).kind,
    ).toBe('file');
  });
});

describe('isAppUrl', () => {
  const built = rendererLocation({ isPackaged: true, devServerUrl: undefined, indexHtmlPath });
  const dev = rendererLocation({
    isPackaged: false,
    devServerUrl: 'http://localhost:5173',
    indexHtmlPath,
  });

  it('accepts the built index.html with any route or query', () => {
    expect(isAppUrl(built, `file://${indexHtmlPath}`)).toBe(true);
    expect(isAppUrl(built, `file://${indexHtmlPath}#/leads/42`)).toBe(true);
    expect(isAppUrl(built, `file://${indexHtmlPath}?tab=new`)).toBe(true);
  });

  it('refuses every other file, even next to it', () => {
    expect(isAppUrl(built, 'file:///etc/passwd')).toBe(false);
    expect(isAppUrl(built, `file://${indexHtmlPath.replace('index.html', 'other.html')}`)).toBe(
      false,
    );
    expect(isAppUrl(built, `file://attacker.example${indexHtmlPath}`)).toBe(false);
  });

  it('accepts the dev server origin only', () => {
    expect(isAppUrl(dev, 'http://localhost:5173/src/App.tsx')).toBe(true);
    expect(isAppUrl(dev, 'http://localhost:5174/')).toBe(false);
    expect(isAppUrl(dev, 'https://localhost:5173/')).toBe(false);
    expect(isAppUrl(dev, 'https://evil.example/')).toBe(false);
  });

  it('refuses what is not a URL', () => {
    expect(isAppUrl(built, 'not a url')).toBe(false);
    expect(isAppUrl(dev, '')).toBe(false);
  });
});
