import { describe, expect, it } from 'vitest';
import { displayName } from './display-text';

describe('displayName', () => {
  it('shows bidi overrides and control characters as visible escapes', () => {
    expect(displayName('invoice\u202egnp.exe')).toBe('invoice\\u202egnp.exe');
    expect(displayName('prod\x1b]52;c;x\x07')).toBe('prod\\x1b]52;c;x\\x07');
    expect(displayName('a\r\nb\u0000')).toBe('a\\x0d\\x0ab\\x00');
  });

  it('leaves every other name alone, right-to-left scripts included', () => {
    for (const name of ['prod-payments', 'Ünïcödé 本番', 'חשבון ייצור', 'حساب']) expect(displayName(name)).toBe(name);
  });
});
