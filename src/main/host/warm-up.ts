import { ClientCore } from '../client/client-core';
import { type OrderedQueue, orderQueueOf } from './ordered-queue';

interface Warm {
  readonly userId: string;
  /** The local core (not connected), or null when its database could not be opened. */
  readonly opened: Promise<ClientCore | null>;
  /** Its first read of every lead; never rejects. */
  readonly reading: Promise<void>;
  /** Its queue ordered when a sign-in began (null: not asked, or the core did not open). */
  ordering: Promise<OrderedQueue | null> | null;
}

/** A pre-opened core handed to the sign-in, with its ordering if one was begun. */
export interface WarmCore {
  readonly core: ClientCore;
  readonly ordering: Promise<OrderedQueue | null> | null;
}

export interface WarmUpOptions {
  readonly dataDir: string;
  readonly clock: () => number;
  /** Passed on to the core as its clock (tests); absent: the core's default. */
  readonly coreClock?: () => number;
}

/**
 * The last user's local queue, opened and read ahead of their sign-in, so that when they sign
 * in again their queue is ready as soon as the server says yes.
 *
 *   warmUp.prewarm(lastUserId);            // at start (signed out) or at sign-out
 *   warmUp.beginOrdering();                // a sign-in was sent: order while the server checks
 *   const warm = await warmUp.take(userId); // signed in: theirs, or null (another's is closed)
 */
export class WarmUp {
  private warm: Warm | null = null;

  constructor(private readonly o: WarmUpOptions) {}

  /**
   * Opens `userId`'s local database and reads their queue in the background (yielding as it
   * goes), without syncing: nothing is sent anywhere until they sign in again, when the core is
   * connected with the new session. Another user signing in closes it.
   */
  prewarm(userId: string): void {
    if (this.warm?.userId === userId) return;
    void this.drop();
    const opened = ClientCore.openLocal({
      dataDir: this.o.dataDir,
      userId,
      ...(this.o.coreClock && { clock: this.o.coreClock }),
    }).catch((error: unknown) => {
      // Signing in opens it again, and says what is wrong.
      console.error('[app] could not open the last user’s queue ahead of sign-in', error);
      return null;
    });
    const reading = opened.then((core) => core?.warm()).catch(() => undefined);
    this.warm = { userId, opened, reading, ordering: null };
  }

  /**
   * A sign-in began: the pre-opened queue is ordered for now while the server checks the
   * password, so that if the last user it is, their first queue.get is answered at once.
   */
  beginOrdering(): void {
    const warm = this.warm;
    if (!warm) return;
    warm.ordering = warm.opened
      .then(async (core) => {
        if (!core) return null;
        await warm.reading;
        return orderQueueOf(core, this.o.clock());
      })
      .catch(() => null); // ordered again after the sign-in, and any error reported then
  }

  /** The pre-opened core (and its ordering) if it is `userId`'s; another user's is closed. */
  async take(userId: string): Promise<WarmCore | null> {
    const warm = this.warm;
    this.warm = null;
    const core = warm ? await warm.opened : null;
    if (!warm || !core) return null;
    if (warm.userId === userId) return { core, ordering: warm.ordering };
    await warm.reading;
    await warm.ordering;
    await core.close();
    return null;
  }

  async drop(): Promise<void> {
    await this.take(''); // nobody's id: closed
  }
}
