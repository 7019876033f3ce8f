import { z } from 'zod';

/**
 * Pull cursors: opaque to clients (base64url JSON), meaningful to the server.
 *
 * - `log`: a position in the change log; the next pull sends changes after `seq`.
 * - `snapshot`: part-way through a first sync: leads with an id after `after`, and then the
 *   changes after `seq` (the log's head when the snapshot started, so nothing falls between).
 */
export type PullCursor =
  | { readonly kind: 'log'; readonly seq: number }
  | { readonly kind: 'snapshot'; readonly seq: number; readonly after: string };

const CursorSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('log'), seq: z.number().int().min(0) }),
  z.strictObject({
    kind: z.literal('snapshot'),
    seq: z.number().int().min(0),
    after: z.string().max(64),
  }),
]);

export function encodeCursor(cursor: PullCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** The cursor, or null when the text is not one this server issued. */
export function decodeCursor(text: string): PullCursor | null {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
