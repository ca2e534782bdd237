import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { copyFormatLabels, copyFormats } from '../../app/model/settings';
import type { RoleRow } from '../search/result-list';
import type { ActionResult } from '../store/actions';
import { useActions, useRolecall } from '../store/hooks';
import { selectFavoriteKeys, selectKeepFreshKeys, selectPreferences } from '../store/selectors';
import { displayName } from '../format/display-text';

interface MenuItem {
  readonly id: string;
  readonly label: string;
  readonly hint?: string;
  readonly checked?: boolean;
  /** The item leads to a second step inside the menu instead of closing it. */
  readonly keepsOpen?: boolean;
  readonly run: () => void;
}

/** Longest alias the core accepts (`aliases:set`). */
export const maxAliasLength = 60;

/**
 * What the menu's inline editors share: Enter saves, Escape cancels, one save at a time, and
 * a refusal keeps the editor open with the core's sentence. `submit` returns undefined when
 * there is nothing to save (the editor just closes).
 */
const useInlineSave = (submit: () => Promise<ActionResult> | undefined, onClose: () => void) => {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const save = async (): Promise<void> => {
    if (busy) return;
    const saving = submit();
    if (!saving) {
      onClose();
      return;
    }
    setBusy(true);
    const result = await saving;
    setBusy(false);
    if (result.ok) onClose();
    else setProblem(result.message);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') void save();
    else if (event.key === 'Escape') onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  return { problem, clearProblem: () => setProblem(undefined), onKeyDown };
};

/**
 * The inline alias editor that replaces the menu's items: Enter saves, Escape cancels, an
 * empty value removes the alias. A failed save keeps it open with the core's sentence.
 */
const AliasEditor = ({ row, onClose }: { row: RoleRow; onClose: () => void }) => {
  const actions = useActions();
  const inputId = useId();
  const [draft, setDraft] = useState(row.entry.alias);
  const { instanceId, accountId } = row.entry.ref;
  const { problem, clearProblem, onKeyDown } = useInlineSave(
    () => (draft.trim() === row.entry.alias ? undefined : actions.setAlias(instanceId, accountId, draft)),
    onClose,
  );

  return (
    <div className="alias-editor">
      <label htmlFor={inputId}>
        Alias for {row.entry.accountName} <span className="mono muted">{accountId}</span>
      </label>
      <input
        id={inputId}
        type="text"
        value={draft}
        maxLength={maxAliasLength}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        placeholder="e.g. pay"
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${inputId}-hint`}
        onFocus={(event) => event.currentTarget.select()}
        onChange={(event) => {
          setDraft(event.target.value);
          clearProblem();
        }}
        onKeyDown={onKeyDown}
      />
      <p id={`${inputId}-hint`} className={problem ? 'field-problem' : 'field-hint'} role={problem ? 'alert' : undefined}>
        {problem ?? (
          <>
            <kbd>Enter</kbd> saves · <kbd>Esc</kbd> cancels · empty removes it. Search finds the account by its alias too.
          </>
        )}
      </p>
    </div>
  );
};

/**
 * "Assume another role from here…": saves a chained role — this role assumes a role ARN —
 * under a profile name (`config populate` writes it as role_arn + source_profile). Enter
 * saves, Escape cancels; a refusal (a malformed ARN, say) stays open with the core's sentence.
 */
const ChainEditor = ({ row, onClose }: { row: RoleRow; onClose: () => void }) => {
  const actions = useActions();
  const id = useId();
  const [roleArn, setRoleArn] = useState('');
  const [name, setName] = useState('');
  const [externalId, setExternalId] = useState('');
  const { problem, clearProblem, onKeyDown } = useInlineSave(
    () => actions.saveChainedRole(row.entry.ref, { name, roleArn, externalId }),
    onClose,
  );

  const field = (suffix: string, label: string, value: string, set: (v: string) => void, placeholder: string, autoFocus = false) => (
    <>
      <label htmlFor={`${id}-${suffix}`}>{label}</label>
      <input
        id={`${id}-${suffix}`}
        type="text"
        value={value}
        autoComplete="off"
        spellCheck={false}
        autoFocus={autoFocus}
        placeholder={placeholder}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          set(event.target.value);
          clearProblem();
        }}
        onKeyDown={onKeyDown}
      />
    </>
  );

  return (
    <div className="alias-editor">
      {field('arn', 'Role ARN to assume', roleArn, setRoleArn, 'arn:aws:iam::123456789012:role/Deployer', true)}
      {field('name', 'Profile name', name, setName, 'e.g. shared-deployer')}
      {field('external', 'External id (if the role asks for one)', externalId, setExternalId, 'optional')}
      <p id={`${id}-hint`} className={problem ? 'field-problem' : 'field-hint'} role={problem ? 'alert' : undefined}>
        {problem ?? (
          <>
            <kbd>Enter</kbd> saves · <kbd>Esc</kbd> cancels. <span className="mono">rolecall config populate</span> writes it as an AWS
            profile.
          </>
        )}
      </p>
    </div>
  );
};

/** The action menu of one role: other copy formats, console, pin, keep fresh, AWS profile, account alias. */
export const RoleMenu = ({ row, anchor, onClose }: { row: RoleRow; anchor: Element | null; onClose: () => void }) => {
  const actions = useActions();
  const defaultFormat = useRolecall((s) => selectPreferences(s)?.defaultCopyFormat ?? 'posix');
  // The entry's key: roleKey for a role, chainedEntryKey for a chained role, as the selectors list them.
  const { key } = row.entry;
  const pinned = useRolecall((s) => selectFavoriteKeys(s).split('\n').includes(key));
  const fresh = useRolecall((s) => selectKeepFreshKeys(s).split('\n').includes(key));
  const menuRef = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ top: number; left: number }>({ top: 0, left: 0 });
  const [focused, setFocused] = useState(0);
  const [editingAlias, setEditingAlias] = useState(false);
  const [chaining, setChaining] = useState(false);
  const role = row.entry.ref;

  const items: MenuItem[] = [
    ...copyFormats.map((format) => ({
      id: `copy-${format}`,
      label: `Copy as ${copyFormatLabels[format]}`,
      hint: format === defaultFormat ? 'Enter' : undefined,
      run: () => void actions.copy(role, format),
    })),
    { id: 'console', label: 'Open console', hint: 'Ctrl/⌘ Enter', run: () => void actions.openConsole(role) },
  ];
  items.push(
    { id: 'pin', label: pinned ? 'Unpin' : 'Pin to the top', run: () => void actions.toggleFavorite(role) },
    { id: 'fresh', label: 'Keep credentials fresh', checked: fresh, run: () => void actions.toggleKeepFresh(role) },
  );
  // A chained role is not an Identity Center role: no profile of its own here, no alias, no chain from it.
  const chainedName = role.chainedRole;
  if (chainedName) items.push({ id: 'remove-chain', label: 'Remove chained role', run: () => void actions.removeChainedRole(chainedName) });
  else
    items.push(
      { id: 'profile', label: 'Add as AWS profile', run: () => void actions.addProfile(role) },
      { id: 'alias', label: 'Set account alias…', keepsOpen: true, run: () => setEditingAlias(true) },
      { id: 'chain', label: 'Assume another role from here…', keepsOpen: true, run: () => setChaining(true) },
    );

  useLayoutEffect(() => {
    const menu = menuRef.current;
    if (!menu) return;
    const rect = anchor?.getBoundingClientRect();
    const height = menu.offsetHeight;
    const width = menu.offsetWidth;
    const below = rect ? rect.bottom + 4 : 80;
    const top = below + height > window.innerHeight - 8 ? Math.max(8, (rect?.top ?? 80) - height - 4) : below;
    const left = Math.min(window.innerWidth - width - 8, Math.max(8, (rect?.right ?? width) - width - 8));
    setPosition({ top, left });
  }, [anchor, editingAlias, chaining]);

  useEffect(() => {
    menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]')[focused]?.focus();
  }, [focused]);

  useEffect(() => {
    const onPointer = (event: PointerEvent): void => {
      if (menuRef.current && !menuRef.current.contains(event.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [onClose]);

  const choose = (item: MenuItem): void => {
    item.run();
    if (!item.keepsOpen) onClose();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    // The alias editor's text field keeps its own keys (Space, Home, End, arrows).
    if (editingAlias || chaining) return;
    const last = items.length - 1;
    if (event.key === 'ArrowDown') setFocused((index) => (index >= last ? 0 : index + 1));
    else if (event.key === 'ArrowUp') setFocused((index) => (index <= 0 ? last : index - 1));
    else if (event.key === 'Home') setFocused(0);
    else if (event.key === 'End') setFocused(last);
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else if (event.key === 'Enter' || event.key === ' ') {
      const item = items[focused];
      if (item) choose(item);
    } else return;
    event.preventDefault();
    event.stopPropagation();
  };

  const title = displayName(`${row.entry.accountName}${row.entry.alias ? ` (${row.entry.alias})` : ''} / ${row.entry.roleName}`);

  if (editingAlias) {
    return (
      <div
        ref={menuRef}
        className="menu"
        role="dialog"
        aria-label={`Account alias for ${row.entry.accountName}`}
        style={{ top: position.top, left: position.left }}
      >
        <AliasEditor row={row} onClose={onClose} />
      </div>
    );
  }

  if (chaining) {
    return (
      <div
        ref={menuRef}
        className="menu"
        role="dialog"
        aria-label={`Assume another role from ${row.entry.accountName} / ${row.entry.roleName}`}
        style={{ top: position.top, left: position.left }}
      >
        <ChainEditor row={row} onClose={onClose} />
      </div>
    );
  }

  return (
    <div
      ref={menuRef}
      className="menu"
      role="menu"
      aria-label={`Actions for ${row.entry.accountName} / ${row.entry.roleName}`}
      style={{ top: position.top, left: position.left }}
      onKeyDown={onKeyDown}
    >
      <div className="menu-title" aria-hidden="true">
        <bdi>{title}</bdi>
      </div>
      {items.map((item, index) => (
        <button
          key={item.id}
          type="button"
          role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
          aria-checked={item.checked}
          tabIndex={index === focused ? 0 : -1}
          className={`menu-item${index === copyFormats.length ? ' menu-separated' : ''}`}
          onMouseEnter={() => setFocused(index)}
          onClick={() => choose(item)}
        >
          <span className="menu-check" aria-hidden="true">
            {item.checked ? '✓' : ''}
          </span>
          <span>{item.label}</span>
          {item.hint ? <kbd>{item.hint}</kbd> : null}
        </button>
      ))}
    </div>
  );
};
