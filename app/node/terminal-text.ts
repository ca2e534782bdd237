import { visibleEscapes } from '../model/untrusted-text';

/** Text safe to print on one terminal line: no control or bidi character reaches the terminal raw (see model/untrusted-text.ts). */
export const terminalSafe = visibleEscapes;

/**
 * Text for a person on a terminal that may span lines (help, multi-line notes): newlines
 * and tabs are kept, every other control or bidi character is made visible.
 */
export const terminalSafeLines = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.split('\t').map(terminalSafe).join('\t'))
    .join('\n');
