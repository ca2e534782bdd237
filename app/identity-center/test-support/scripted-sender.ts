import type { SendOptions } from '../clients';

/** One scripted answer: the output, an error to throw, or a function of the input. */
export type Reply = object | Error | ((input: Record<string, unknown>) => object);

export interface ScriptStep {
  /** Operation name, e.g. "CreateToken" (the command class name without "Command"). */
  readonly op: string;
  readonly reply: Reply;
}

export interface RecordedCall {
  readonly op: string;
  readonly input: Record<string, unknown>;
  /** Clock time of the call, when a clock was given. */
  readonly at: number | undefined;
  readonly aborted: boolean;
}

/**
 * An SDK client double: answers commands from a script in order and records each call, so
 * a test states exactly what the code under test must send and what AWS answers.
 */
export class ScriptedSender {
  readonly calls: RecordedCall[] = [];
  private readonly steps: ScriptStep[];

  constructor(
    steps: readonly ScriptStep[] = [],
    private readonly now?: () => number,
  ) {
    this.steps = [...steps];
  }

  /** Adds steps to the end of the script. */
  then(...steps: ScriptStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  get remaining(): number {
    return this.steps.length;
  }

  callsOf(op: string): RecordedCall[] {
    return this.calls.filter((call) => call.op === op);
  }

  // One signature for every command type; `any` matches the SDK's overloads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async send(command: { readonly input: object }, options?: SendOptions): Promise<any> {
    const op = command.constructor.name.replace(/Command$/, '');
    const input = command.input as Record<string, unknown>;
    this.calls.push({ op, input, at: this.now?.(), aborted: options?.abortSignal?.aborted ?? false });
    const step = this.steps.shift();
    if (!step) throw new Error(`ScriptedSender: unexpected ${op} (script is empty)`);
    if (step.op !== op) throw new Error(`ScriptedSender: expected ${step.op}, got ${op}`);
    await Promise.resolve();
    const reply = typeof step.reply === 'function' ? step.reply(input) : step.reply;
    if (reply instanceof Error) throw reply;
    return { $metadata: { httpStatusCode: 200 }, ...reply };
  }
}
