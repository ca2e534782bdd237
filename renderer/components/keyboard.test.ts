import { describe, expect, it } from 'vitest';
import { isTypingKey, listCommandFor } from './keyboard';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('listCommandFor', () => {
  it('maps the keyboard-first shortcuts', () => {
    expect(listCommandFor(key('ArrowDown'), true)).toEqual({ kind: 'move', by: 1 });
    expect(listCommandFor(key('ArrowUp'), true)).toEqual({ kind: 'move', by: -1 });
    expect(listCommandFor(key('Enter'), true)).toEqual({ kind: 'copy' });
    expect(listCommandFor(key('Enter', { ctrlKey: true }), true)).toEqual({ kind: 'console' });
    expect(listCommandFor(key('Enter', { metaKey: true }), true)).toEqual({ kind: 'console' });
    expect(listCommandFor(key('Enter', { shiftKey: true }), true)).toEqual({ kind: 'menu' });
    expect(listCommandFor(key('ContextMenu'), false)).toEqual({ kind: 'menu' });
    expect(listCommandFor(key('F10', { shiftKey: true }), false)).toEqual({ kind: 'menu' });
    expect(listCommandFor(key('Escape'), true)).toEqual({ kind: 'clear' });
  });
  it('leaves Home/End to the text field and ignores other keys', () => {
    expect(listCommandFor(key('Home'), true)).toBeUndefined();
    expect(listCommandFor(key('Home'), false)).toEqual({ kind: 'first' });
    expect(listCommandFor(key('a'), true)).toBeUndefined();
  });
});

describe('isTypingKey', () => {
  it('accepts printable characters only, without shortcuts', () => {
    expect(isTypingKey(key('p'))).toBe(true);
    expect(isTypingKey(key('P', { shiftKey: true }))).toBe(true);
    expect(isTypingKey(key('p', { ctrlKey: true }))).toBe(false);
    expect(isTypingKey(key('Tab'))).toBe(false);
    expect(isTypingKey(key(' '))).toBe(false);
  });
});
