import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

const LastUserSchema = z.object({ userId: z.string().min(1) });

/**
 * In the data folder: who signed in last on this machine (`{ "userId": ... }`), so their queue
 * can be opened ahead of their next sign-in (warm-up.ts). Not a secret: it names a file.
 */
export class LastUserFile {
  constructor(private readonly file: string) {}

  /** The id of the user who signed in last on this machine, or null. */
  async read(): Promise<string | null> {
    try {
      const parsed = LastUserSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data.userId : null;
    } catch {
      return null; // none yet, or damaged: only a head start is lost
    }
  }

  /** Never throws: a failed note only costs the next sign-in its head start. */
  async remember(userId: string): Promise<void> {
    try {
      if ((await this.read()) === userId) return;
      const temp = `${this.file}.tmp`;
      await writeFile(temp, JSON.stringify({ userId }));
      await rename(temp, this.file);
    } catch (error) {
      console.error('[app] could not note the last user', error);
    }
  }
}
