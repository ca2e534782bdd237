/**
 * Account and role names come from an AWS administrator. Bidi controls (U+202E RIGHT-TO-LEFT
 * OVERRIDE and friends) would reorder what the user reads ("invoice\u202Egnp.exe" shows as
 * "invoiceexe.png"), and control characters have no business in a name: both are shown as
 * visible escapes. Each name is also rendered inside <bdi> so that a right-to-left name
 * cannot reorder the text around it.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export const displayName = (text: string): string =>
  text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
