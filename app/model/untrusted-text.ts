/**
 * Account and role names come from an AWS administrator, and messages quote them. Some
 * characters in them are never meant to be seen and can do harm where they are shown: on a
 * terminal ESC starts escape sequences (OSC 0 retitles the window, OSC 52 writes the
 * clipboard), CR and LF forge lines, NUL and DEL confuse tools; everywhere, bidi controls
 * (U+202E RIGHT-TO-LEFT OVERRIDE…) reorder what the user reads ("invoice\u202Egnp.exe" shows
 * as "invoiceexe.png"). Each such character is shown as a visible escape (`\x1b`,
 * `\u202e`) instead, so the name stays recognisable and inert. The CLI and the UI share it.
 */
// C0 controls, DEL, C1 controls, and the Unicode bidi marks, embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escapeOne = (char: string): string => {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control and bidi character made visible: safe to show on one line. */
export const visibleEscapes = (text: string): string => text.replace(UNSAFE, escapeOne);
