import type { AdminContext } from './admin-context';
import type { FlagSpecs, ParsedFlags } from './flags';
import type { Output } from './output';

/** What a command gets to run with. */
export interface CommandContext {
  readonly flags: ParsedFlags;
  readonly out: Output;
  /**
   * Opens the database on first call. Commands validate their flags first and open it after,
   * so a mistyped command never creates or migrates a database.
   */
  readonly admin: () => Promise<AdminContext>;
  /** Hidden terminal prompt; null when not interactive. */
  readonly promptSecret: (label: string) => Promise<string | null>;
}

export interface Command {
  /** The words that select it: `users create`. */
  readonly name: string;
  readonly summary: string;
  readonly flags: FlagSpecs;
  readonly examples?: readonly string[];
  run(ctx: CommandContext): Promise<void>;
}

/**
 * How flags map to the API fields the shared schemas name, so validation errors can be reported
 * by flag (`--team: ...`, not `teamId: ...`).
 */
export const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  email: '--email',
  name: '--name',
  password: '--password',
  role: '--role',
  teamId: '--team',
  weight: '--weight',
  capacity: '--capacity',
  active: '--active',
  receivingLeads: '--receiving-leads',
  assignment: '--assignment',
  from: '--from',
  until: '--until',
  reason: '--reason',
  // `users away`: the user is given by email; a 422 on `id` is about that user.
  id: '--email',
};
