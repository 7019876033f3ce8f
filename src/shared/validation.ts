import type { z } from 'zod';
import type { FieldIssue } from './api-error';

/**
 * Turns a zod error into one entry per failing field, with the field's dotted path, so every
 * client (HTTP, WebSocket, IPC, config files, CSV rows) reports errors the same way.
 */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    // zod reports unknown keys on the parent object; name the keys themselves.
    if (issue.code === 'unrecognized_keys') {
      return {
        field: [...path, ...issue.keys].join('.'),
        message: `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`,
      };
    }
    return { field: path.join('.'), message: issue.message };
  });
}

/** One line for logs and CLI output: `email: Invalid email address; phone: ...`. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
}
