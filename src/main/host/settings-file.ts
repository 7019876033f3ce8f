import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type AppSettings,
  AppSettingsPatchSchema,
  AppSettingsSchema,
  DEFAULT_APP_SETTINGS,
} from '../../shared/app-api';
import { describeIssues, fieldIssues } from '../../shared/validation';

/*
 * The rep's settings in one small JSON file in the app's data folder. A missing file means the
 * defaults; a damaged or hand-edited one is reported (naming the key) and the defaults are used
 * for what it got wrong, because a settings typo must not keep the rep from their queue.
 *
 *   const settings = new SettingsFile(join(dataDir, 'settings.json'));
 *   await settings.load();
 *   await settings.update({ doNotDisturb: true });
 */
export class SettingsFile {
  private current: AppSettings = DEFAULT_APP_SETTINGS;
  /** Writes are serialised so the file always holds the last update. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  get value(): AppSettings {
    return this.current;
  }

  async load(): Promise<AppSettings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      this.current = DEFAULT_APP_SETTINGS;
      return this.current;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      console.error(`[settings] ${this.file} is not JSON; using the defaults`);
      this.current = DEFAULT_APP_SETTINGS;
      return this.current;
    }
    const parsed = AppSettingsSchema.safeParse({ ...DEFAULT_APP_SETTINGS, ...asObject(raw) });
    if (parsed.success) {
      this.current = parsed.data;
      return this.current;
    }
    // Keep every key that is valid on its own; report the others by name.
    console.error(
      `[settings] ${this.file}: ${describeIssues(fieldIssues(parsed.error))}; using the defaults for those`,
    );
    const next: Record<string, unknown> = { ...DEFAULT_APP_SETTINGS };
    for (const [key, value] of Object.entries(asObject(raw))) {
      const one = AppSettingsPatchSchema.safeParse({ [key]: value });
      if (one.success) Object.assign(next, one.data);
    }
    this.current = AppSettingsSchema.parse(next);
    return this.current;
  }

  /** Applies a validated patch and writes the file (atomically: a crash leaves old or new). */
  async update(patch: Partial<AppSettings>): Promise<AppSettings> {
    const next = AppSettingsSchema.parse({ ...this.current, ...patch });
    this.current = next;
    const write = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const temp = `${this.file}.tmp`;
      await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      await rename(temp, this.file);
    });
    this.writing = write.catch(() => undefined);
    await write;
    return next;
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
