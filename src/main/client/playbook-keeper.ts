import type { Kysely } from 'kysely';
import { DEFAULT_PLAYBOOK, type Playbook, playbookPriorityOptions } from '../../shared/playbook';
import { PlaybookSchema } from '../../shared/playbook-schema';
import type { PriorityOptions } from '../../shared/priority';
import { PLAYBOOK_PATH } from '../../shared/sync-protocol';
import type { LocalDatabase } from './schema';
import { getState, setState, STATE_KEYS } from './state-store';
import { requestJson } from './transport';

/**
 * The playbook this client works by (what outcomes schedule, the retry ladder, calling hours):
 * the server's as last fetched, kept on disk, else the defaults; and the queue's ordering
 * options made from it (one object per playbook: see priority.ts).
 *
 *   const playbook = await PlaybookKeeper.load(db);
 *   if (await playbook.refresh(serverUrl, token)) { ... it changed: views made again ... }
 */
export class PlaybookKeeper {
  private now: Playbook;
  private options: PriorityOptions;
  private fetchedOnce = false;

  private constructor(
    private readonly db: Kysely<LocalDatabase>,
    playbook: Playbook,
  ) {
    this.now = playbook;
    this.options = playbookPriorityOptions(playbook);
  }

  /** The kept playbook, or the defaults when there is none or it no longer parses. */
  static async load(db: Kysely<LocalDatabase>): Promise<PlaybookKeeper> {
    const kept = await getState(db, STATE_KEYS.playbook);
    return new PlaybookKeeper(db, parsePlaybook(kept) ?? DEFAULT_PLAYBOOK);
  }

  get current(): Playbook {
    return this.now;
  }

  get priority(): PriorityOptions {
    return this.options;
  }

  /** Whether the server's playbook was fetched since start (it is fetched once per run). */
  get fetched(): boolean {
    return this.fetchedOnce;
  }

  /**
   * Fetches the server's playbook; a different one is kept on disk and taken. Resolves true when
   * it changed. `stillOpen` is asked after the fetch: a closed core writes nothing.
   */
  async refresh(serverUrl: string, token: string, stillOpen: () => boolean): Promise<boolean> {
    const fetched = await requestJson('GET', `${serverUrl}${PLAYBOOK_PATH}`, PlaybookSchema, {
      token,
    });
    if (!stillOpen()) return false;
    this.fetchedOnce = true;
    const text = JSON.stringify(fetched);
    if (text === JSON.stringify(this.now)) return false;
    await setState(this.db, STATE_KEYS.playbook, text);
    this.now = fetched;
    this.options = playbookPriorityOptions(fetched);
    return true;
  }
}

/** A kept playbook, or null when there is none or it no longer parses (then the defaults). */
function parsePlaybook(text: string | null): Playbook | null {
  if (!text) return null;
  try {
    const parsed = PlaybookSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
