import type { KeyboardEvent } from 'react';

/** What a key press in the search box or the list means. */
export type ListCommand =
  | { readonly kind: 'move'; readonly by: number }
  | { readonly kind: 'first' }
  | { readonly kind: 'last' }
  | { readonly kind: 'copy' }
  | { readonly kind: 'console' }
  | { readonly kind: 'menu' }
  | { readonly kind: 'clear' };

type KeyLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/**
 * ↑/↓ move, PageUp/PageDown jump, Enter copies, Cmd/Ctrl+Enter opens the console,
 * Shift+Enter or the context-menu key opens the action menu, Escape clears. `inText`:
 * Home/End belong to the text field there.
 */
export const listCommandFor = (event: KeyLike, inText: boolean): ListCommand | undefined => {
  switch (event.key) {
    case 'ArrowDown':
      return { kind: 'move', by: 1 };
    case 'ArrowUp':
      return { kind: 'move', by: -1 };
    case 'PageDown':
      return { kind: 'move', by: 10 };
    case 'PageUp':
      return { kind: 'move', by: -10 };
    case 'Home':
      return inText ? undefined : { kind: 'first' };
    case 'End':
      return inText ? undefined : { kind: 'last' };
    case 'Enter':
      if (event.ctrlKey || event.metaKey) return { kind: 'console' };
      if (event.shiftKey || event.altKey) return { kind: 'menu' };
      return { kind: 'copy' };
    case 'ContextMenu':
      return { kind: 'menu' };
    case 'F10':
      return event.shiftKey ? { kind: 'menu' } : undefined;
    case 'Escape':
      return { kind: 'clear' };
    default:
      return undefined;
  }
};

/** A key that types a character (type-to-search from anywhere). */
export const isTypingKey = (event: KeyLike): boolean =>
  event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && event.key !== ' ';

/** Whether an element takes typing itself (so type-to-search leaves it alone). */
export const takesText = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
};
