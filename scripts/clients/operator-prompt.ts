import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** How a manual step talks to the person at the terminal. */
export interface OperatorPrompt {
  say(text: string): void;
  ask(question: string): Promise<string>;
  /** Reads a value without echoing it (a SCIM token). */
  askSecret(question: string): Promise<string>;
}

export class NoTerminalError extends Error {
  constructor() {
    super(
      '--manual asks the operator for values at a terminal, and this run has none (a Terraform local-exec provisioner never has one): ' +
        'run the same command by hand in a terminal (`npm run federation -- <command> --instance <name> --manual` with FEDERATION_INPUT from `terraform state show`), then apply again.',
    );
    this.name = 'NoTerminalError';
  }
}

/** Refuses at once without a terminal: a prompt nobody can answer would end the run with nothing done. */
export function terminalPrompt(input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin, output: NodeJS.WritableStream = process.stderr): OperatorPrompt {
  if (!input.isTTY) throw new NoTerminalError();
  const read = (question: string, echo: boolean) =>
    new Promise<string>((resolve, reject) => {
      let muted = false;
      const sink = new Writable({
        write(chunk, _encoding, done) {
          if (!muted) output.write(chunk);
          done();
        },
      });
      const rl = createInterface({ input, output: sink, terminal: true });
      let answered = false;
      // The input ending before an answer (Ctrl-D, a closed terminal) stops the run instead of ending it quietly.
      rl.on('close', () => answered || reject(new Error(`No answer to "${question.trim()}": the input ended`)));
      rl.question(question, (answer) => {
        answered = true;
        rl.close();
        if (!echo) output.write('\n');
        resolve(answer.trim());
      });
      muted = !echo;
    });
  return {
    say: (text) => output.write(`${text}\n`),
    ask: (question) => read(question, true),
    askSecret: (question) => read(question, false),
  };
}
