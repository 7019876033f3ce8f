/*
 * The admin CLI's two kinds of expected failure, and their exit codes. Scripts branch on them:
 *
 *   2  the command line is wrong: unknown command or flag, a missing or malformed value. Nothing
 *      was changed; fix the command and run it again.
 *   1  the command was well-formed but could not be done: a duplicate email, an unknown team,
 *      an unreadable database. Also used for bugs (which alone print a stack trace).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake on the command line (exit code 2). The message names the flag. */
export class UsageError extends Error {}

/** A well-formed command that could not be carried out (exit code 1); the message says why. */
export class CommandFailure extends Error {}
