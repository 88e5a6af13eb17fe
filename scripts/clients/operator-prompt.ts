import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** How a manual step talks to the person at the terminal. */
export interface OperatorPrompt {
  say(text: string): void;
  ask(question: string): Promise<string>;
  /** Reads a value without echoing it (a SCIM token). */
  askSecret(question: string): Promise<string>;
}

export function terminalPrompt(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): OperatorPrompt {
  const read = (question: string, echo: boolean) =>
    new Promise<string>((resolve) => {
      let muted = false;
      const sink = new Writable({
        write(chunk, _encoding, done) {
          if (!muted) output.write(chunk);
          done();
        },
      });
      const rl = createInterface({ input, output: sink, terminal: true });
      rl.question(question, (answer) => {
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
