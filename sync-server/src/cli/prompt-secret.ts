/**
 * Asks for a secret on the terminal without echoing it, so a password need not be typed into the
 * command line (where it lands in shell history and `ps`). Returns null when stdin is not a
 * terminal: scripts must pass the flag, and are never left waiting on a prompt.
 *
 *   const password = await promptSecret('Password: ');
 */
export async function promptSecret(label: string): Promise<string | null> {
  const input = process.stdin;
  if (!input.isTTY) return null;
  process.stderr.write(label);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = '';
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            input.off('data', onData);
            resolve(secret);
            return;
          }
          if (char === '\u0003') {
            input.off('data', onData);
            reject(new PromptCancelled());
            return;
          }
          if (char === '\u007f' || char === '\b') secret = secret.slice(0, -1);
          else if (char >= ' ') secret += char;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write('\n');
  }
}

/** Ctrl-C at a prompt. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}
