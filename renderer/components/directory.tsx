import { useCallback, useEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RoleRow } from '../search/result-list';
import { useActions, useRolecall, useStoreApi } from '../store/hooks';
import type { RolecallState } from '../store/store';
import {
  REHEARSED_QUERIES,
  rehearseResultList,
  selectActiveRow,
  selectFavoriteKeys,
  selectInstances,
  selectResultList,
  selectResultListFor,
} from '../store/selectors';
import { isTypingKey, listCommandFor, takesText } from './keyboard';
import type { ListCommand } from './keyboard';
import { searchIndexFor } from '../search/search-index';
import { RoleMenu } from './role-menu';
import { displayName } from '../format/display-text';

/** Row heights (px, as the CSS draws them). */
const sectionHeight = 30;
const rowHeight = 34;

export const optionId = (optionIndex: number): string => `role-option-${optionIndex}`;

/** The accessible name of a role: role, account name (and the user's alias), account id (and pinned). */
export const roleLabel = (row: RoleRow, pinned: boolean, showInstance: boolean): string =>
  `${row.entry.roleName}, ${row.entry.accountName}${row.entry.alias ? `, alias ${row.entry.alias}` : ''}, ${row.entry.accountId}${showInstance ? `, ${row.entry.instanceLabel}` : ''}${pinned ? ', pinned' : ''}`;

/** The user's alias beside an account name; the role's accessible name carries it for screen readers. */
const Alias = ({ alias }: { alias: string }) =>
  alias ? (
    <span className="alias" title="Your alias for this account">
      <bdi>{displayName(alias)}</bdi>
    </span>
  ) : null;

/** Search box + virtualised, keyboard-first list of roles grouped by account. */
export const Directory = () => {
  const store = useStoreApi();
  const actions = useActions();
  const query = useRolecall((s) => s.query);
  // The list renders with the query it was typed with. A deferred value (useDeferredValue)
  // was tried and measured worse in bench:ui at 11,050 roles: keystroke → rows painted p50
  // 54.8 vs 18.6 ms, p95 96 vs 55 ms, and 288 vs 76 ms p95 during a sync; the search index
  // makes the synchronous render cheap enough. Enter acts on what was typed either way.
  const shownQuery = query;
  const list = useRolecall(useCallback((s: RolecallState) => selectResultListFor(s, shownQuery), [shownQuery]));
  const activeIndex = useRolecall((s) => Math.min(s.activeIndex, Math.max(0, selectResultListFor(s, shownQuery).optionRows.length - 1)));
  const menuFor = useRolecall((s) => s.menuFor);
  const focusRequest = useRolecall((s) => s.searchFocusRequest);
  const favoriteKeys = useRolecall(selectFavoriteKeys);
  const multiInstance = useRolecall((s) => selectInstances(s).length > 1);
  const entryCount = useRolecall((s) => s.entries.length);
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = new Set(favoriteKeys.split('\n'));

  // Sizes and keys change only with the list: the virtualizer recomputes its measurements
  // (one small object per row, ~0.4 ms for 12,000 rows) when a list changes, never per render
  // as it would with inline callbacks; keyed by index (rows are built only when shown).
  const estimateSize = useCallback((index: number) => (list.kindAt(index) === 'section' ? sectionHeight : rowHeight), [list]);
  const getItemKey = useCallback((index: number) => index, [list]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({ count: list.rowCount, getScrollElement, estimateSize, getItemKey, overscan: 12 });

  // When the rows change under the same query (a role became recent or pinned), keep the
  // same role active instead of whatever now sits at its old index.
  const held = useRef<{ query: string; key?: string }>({ query: shownQuery });
  useEffect(() => {
    const { key } = held.current;
    if (held.current.query === shownQuery && key) {
      const row = list.rowAt(list.indexOfKey(key));
      if (row?.kind === 'role' && row.optionIndex !== store.getState().activeIndex) store.getState().setActiveIndex(row.optionIndex);
    }
  }, [list, shownQuery, store]);
  useEffect(() => {
    const row = list.rowAt(list.optionRows[activeIndex] ?? -1);
    held.current = { query: shownQuery, key: row?.key };
  });

  const activeRowIndex = list.optionRows[activeIndex];
  useEffect(() => {
    if (activeRowIndex === undefined) return;
    // Keep the account header in view above the first role of a group.
    const before = list.kindAt(activeRowIndex - 1);
    const target = before && before !== 'role' && activeIndex === 0 ? activeRowIndex - 1 : activeRowIndex;
    // Already in view (the first row after typing, mostly): scrollToIndex would still read
    // the list's scrollHeight, a forced layout on every keystroke.
    const item = virtualizer.measurementsCache[target];
    const offset = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height ?? 0;
    if (item && height > 0 && item.start >= offset && item.end <= offset + height) return;
    virtualizer.scrollToIndex(target, { align: 'auto' });
  }, [activeRowIndex, activeIndex, list, virtualizer]);

  // Score the 36 one-letter (and digit) queries ahead, in idle time: the first letter typed
  // matches nearly every role, and scoring all of them inside that keystroke costs frames.
  const entries = useRolecall((s) => s.entries);
  useEffect(() => {
    if (entries.length === 0) return;
    const index = searchIndexFor(entries);
    let cancelled = false;
    let rehearsed = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let idle: number | undefined;
    const step = (deadline?: IdleDeadline): void => {
      if (cancelled) return;
      // A few ms at a time even when the browser offers a 50 ms idle period: a key pressed
      // meanwhile waits for the slice to end.
      const until = performance.now() + 3;
      const done = index.warm(() => Math.min(until - performance.now(), deadline ? deadline.timeRemaining() : Infinity));
      if (!done) return later();
      // Then a few one-letter searches, one per idle period, thrown away: any letter runs the
      // same code, and the first key typed no longer meets it cold. Only while nothing is
      // typed: typing warms that code itself.
      const state = store.getState();
      const letter = REHEARSED_QUERIES[rehearsed];
      if (letter === undefined || state.query !== '' || state.entries !== entries) return;
      rehearsed += 1;
      rehearseResultList(state, letter);
      later();
    };
    const later = (): void => {
      if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(step, { timeout: 1_000 });
      else timer = setTimeout(step, 16);
    };
    later();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (idle !== undefined) cancelIdleCallback(idle);
    };
  }, [entries, store]);

  useEffect(() => {
    searchRef.current?.focus();
  }, [focusRequest]);

  // The first roles after a sign-in: the button that had focus is gone, so take it.
  const hasEntries = entryCount > 0;
  useEffect(() => {
    if (hasEntries && (document.activeElement === null || document.activeElement === document.body)) searchRef.current?.focus();
  }, [hasEntries]);

  // Type-to-search from anywhere on the page.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent): void => {
      if (event.defaultPrevented || takesText(event.target) || store.getState().menuFor) return;
      if (event.key === '/' || isTypingKey(event)) {
        event.preventDefault();
        const input = searchRef.current;
        if (!input) return;
        input.focus();
        if (event.key !== '/') store.getState().setQuery(store.getState().query + event.key);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store]);

  const run = useCallback(
    (command: ListCommand, row: RoleRow | undefined): boolean => {
      const state = store.getState();
      const count = selectResultList(state).optionRows.length;
      switch (command.kind) {
        case 'move':
          if (count === 0) return true;
          state.setActiveIndex(Math.max(0, Math.min(count - 1, Math.min(state.activeIndex, count - 1) + command.by)));
          return true;
        case 'first':
          state.setActiveIndex(0);
          return true;
        case 'last':
          state.setActiveIndex(Math.max(0, count - 1));
          return true;
        case 'copy':
          if (row) void actions.copy(row.entry.ref);
          return row !== undefined;
        case 'console':
          if (row) void actions.openConsole(row.entry.ref);
          return row !== undefined;
        case 'menu':
          if (row) state.openMenu(row.key);
          return row !== undefined;
        case 'clear':
          if (!state.query) return false;
          state.setQuery('');
          return true;
      }
    },
    [actions, store],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLElement>, inText: boolean): void => {
    const command = listCommandFor(event, inText);
    if (!command) return;
    if (run(command, selectActiveRow(store.getState()))) event.preventDefault();
  };

  const activeRow = activeRowIndex === undefined ? undefined : list.rowAt(activeRowIndex);
  const activeId = activeRow?.kind === 'role' ? optionId(activeRow.optionIndex) : undefined;
  const menuCandidate = menuFor ? list.rowAt(list.indexOfKey(menuFor)) : undefined;
  const menuRow = menuCandidate?.kind === 'role' ? menuCandidate : undefined;

  return (
    <section className="directory" aria-label="Roles">
      <div className="search">
        <svg className="search-icon" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="7" cy="7" r="4.5" />
          <path d="M10.5 10.5 14 14" />
        </svg>
        <input
          ref={searchRef}
          type="search"
          role="searchbox"
          aria-label="Search"
          aria-controls="role-list"
          aria-activedescendant={activeId}
          placeholder={entryCount > 0 ? `Search ${entryCount.toLocaleString()} roles — account, id, e-mail or role` : 'Search roles'}
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={query}
          onChange={(event) => store.getState().setQuery(event.target.value)}
          onKeyDown={(event) => onKeyDown(event, true)}
        />
        <span className="search-count" aria-live="polite">
          {list.searching ? `${list.matchCount.toLocaleString()} ${list.matchCount === 1 ? 'match' : 'matches'}` : ''}
        </span>
      </div>
      <div className="keys-hint" aria-hidden="true">
        <kbd>↑</kbd>
        <kbd>↓</kbd> move · <kbd>Enter</kbd> copy · <kbd>Ctrl/⌘ Enter</kbd> console · <kbd>Shift Enter</kbd> more
      </div>
      <div
        ref={scrollRef}
        id="role-list"
        className="role-list"
        role="listbox"
        aria-label="Roles"
        // The query these rows are for (they trail the box while React catches up); bench/ui reads it.
        data-query={shownQuery}
        tabIndex={0}
        aria-activedescendant={activeId}
        onKeyDown={(event) => onKeyDown(event, false)}
      >
        {list.rowCount === 0 ? (
          <p className="empty">
            {list.searching ? `No role matches “${shownQuery.trim()}”.` : 'No roles yet: sign in to list your accounts.'}
          </p>
        ) : (
          <div className="role-list-inner" style={{ height: virtualizer.getTotalSize() }}>
            {/* Keyed by position: a keystroke patches the ~60 rows in view instead of replacing them. */}
            {virtualizer.getVirtualItems().map((item) => {
              const row = list.rowAt(item.index);
              if (!row) return null;
              const style = { transform: `translateY(${item.start}px)`, height: item.size };
              if (row.kind === 'section') {
                return (
                  <div key={item.index} role="presentation" className="row row-section" style={style}>
                    {row.title} <span className="muted">{row.count.toLocaleString()}</span>
                  </div>
                );
              }
              if (row.kind === 'account') {
                return (
                  <div key={item.index} role="presentation" className="row row-account" style={style}>
                    <span className="account-name">
                      <bdi>{displayName(row.accountName)}</bdi>
                    </span>
                    <Alias alias={row.alias} />
                    <span className="account-id mono">{row.accountId}</span>
                    <span className="account-email">{row.email}</span>
                    {multiInstance ? <span className="badge">{row.instanceLabel}</span> : null}
                  </div>
                );
              }
              const isActive = row.optionIndex === activeIndex;
              const isPinned = pinned.has(row.entry.key);
              return (
                <div
                  key={item.index}
                  id={optionId(row.optionIndex)}
                  role="option"
                  aria-selected={isActive}
                  aria-label={roleLabel(row, isPinned, multiInstance)}
                  data-row-key={row.key}
                  className={`row row-role${isActive ? ' active' : ''}${row.section === 'accounts' ? '' : ' row-shortcut'}`}
                  style={style}
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => store.getState().setActiveIndex(row.optionIndex)}
                  onDoubleClick={() => void actions.copy(row.entry.ref)}
                  onContextMenu={(event) => {
                    event.preventDefault();
                    store.getState().setActiveIndex(row.optionIndex);
                    store.getState().openMenu(row.key);
                  }}
                >
                  <span className="role-name">
                    <bdi>{displayName(row.entry.roleName)}</bdi>
                  </span>
                  {row.section !== 'accounts' ? (
                    <span className="role-account">
                      <bdi>{displayName(row.entry.accountName)}</bdi> <Alias alias={row.entry.alias} />{' '}
                      <span className="mono muted">{row.entry.accountId}</span>
                    </span>
                  ) : null}
                  {isPinned ? (
                    <span className="pin" title="Pinned" aria-hidden="true">
                      ★
                    </span>
                  ) : null}
                  <span className="row-actions">
                    <button
                      type="button"
                      tabIndex={-1}
                      className="ghost"
                      title="Copy credentials (Enter)"
                      onClick={() => void actions.copy(row.entry.ref)}
                    >
                      Copy
                    </button>
                    <button
                      type="button"
                      tabIndex={-1}
                      className="ghost"
                      title="Open console (Ctrl/⌘+Enter)"
                      onClick={() => void actions.openConsole(row.entry.ref)}
                    >
                      Console
                    </button>
                    <button
                      type="button"
                      tabIndex={-1}
                      className="ghost"
                      title="More actions (Shift+Enter)"
                      aria-label="More actions"
                      onClick={() => {
                        store.getState().setActiveIndex(row.optionIndex);
                        store.getState().openMenu(row.key);
                      }}
                    >
                      …
                    </button>
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      {menuRow ? (
        <RoleMenu
          row={menuRow}
          anchor={document.querySelector(`[data-row-key="${CSS.escape(menuRow.key)}"]`)}
          onClose={() => {
            store.getState().closeMenu();
            searchRef.current?.focus();
          }}
        />
      ) : null}
    </section>
  );
};
