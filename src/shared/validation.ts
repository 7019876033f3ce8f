import type { z } from 'zod';
import type { FieldIssue } from './api-error';

/**
 * Turns a zod error into one entry per failing field, with the field's dotted path, so every
 * client (HTTP, WebSocket, IPC, config files, CSV rows) reports errors the same way.
 */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // zod reports unknown keys on the parent object, all in one issue; name each key as its own
    // field (`{a, b}` unknown is `a` and `b`, not a path `a.b` that does not exist).
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...path, key].join('.'),
        message: `unknown field: ${key}`,
      }));
    }
    return [{ field: path.join('.'), message: issue.message }];
  });
}

/** One line for logs and CLI output: `email: Invalid email address; phone: ...`. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
}
