/**
 * Account and role names come from an AWS administrator, and error messages quote them: a
 * terminal must never receive them raw. ESC starts escape sequences (OSC 0 retitles the
 * window, OSC 52 writes the clipboard), CR and LF forge lines, NUL and DEL confuse tools,
 * and bidi controls (U+202E…) reorder what the user reads. Each such character is shown as
 * a visible escape instead (`\x1b`, `\u202e`), so the name is still recognisable.
 */
// C0 controls, DEL, C1 controls, and the Unicode bidi embedding/override/isolate/mark characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escapeOne = (char: string): string => {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control and bidi character made visible: safe to print on one terminal line. */
export const terminalSafe = (text: string): string => text.replace(UNSAFE, escapeOne);

/**
 * Text for a person on a terminal that may span lines (help, multi-line notes): newlines
 * and tabs are kept, every other control or bidi character is made visible.
 */
export const terminalSafeLines = (text: string): string => text.split('\n').map((line) => line.split('\t').map(terminalSafe).join('\t')).join('\n');
