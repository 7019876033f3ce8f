/**
 * A command, claim or board call the client core refuses, with the fields to blame: the app
 * answers it as `invalid_request` with those fields, the headless client prints it.
 *
 *   throw new CommandError('no such lead', [{ field: 'leadId', message: 'not in this queue' }]);
 */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly fields: readonly { field: string; message: string }[],
  ) {
    super(message);
  }
}
