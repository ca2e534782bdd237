import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { DirectoryCache } from '../../app/directory/directory-cache';
import type { Directory } from '../../app/model/roles';
import { selectInstance } from '../../app/session/instance-registry';
import { resolveConfigDir } from '../../app/storage/config-dir';
import { FileSettingsStore } from '../../app/storage/file-settings-store';
import type { CliOutput } from '../../app/node/terminal-output';
import { parseOptions } from '../../app/node/command-options';

export const completionShells = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type CompletionShell = (typeof completionShells)[number];
export const completionLists = ['accounts', 'roles', 'instances'] as const;

/** One command of the tree, as the completion scripts need it. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly {
    readonly flag: string;
    readonly takesValue: boolean;
    readonly choices?: readonly string[];
    readonly description: string;
  }[];
  readonly subcommands: readonly CommandSpec[];
  /** Values a positional argument may take (the shell of `completion`). */
  readonly argumentChoices: readonly string[];
}

/** The visible commands and options of a commander program (help included). */
export const commandSpec = (command: Command): CommandSpec => ({
  name: command.name(),
  description: command.description(),
  options: [
    ...command.options
      .filter((option) => !option.hidden && option.long)
      .map((option) => ({
        flag: option.long!,
        takesValue: option.required || option.optional,
        ...(option.argChoices ? { choices: option.argChoices } : {}),
        description: option.description,
      })),
    { flag: '--help', takesValue: false, description: 'show help' },
  ],
  argumentChoices: command.registeredArguments.flatMap((argument) => argument.argChoices ?? []),
  subcommands: command.commands.filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden).map(commandSpec),
});

/** Options whose values come from the cached directory and settings (never from AWS). */
const DYNAMIC: Readonly<Record<string, (typeof completionLists)[number]>> = {
  '--account': 'accounts',
  '--role': 'roles',
  '--instance': 'instances',
};

interface Node {
  readonly path: string;
  readonly spec: CommandSpec;
}

const walk = (spec: CommandSpec, path = ''): Node[] => [
  { path, spec },
  ...spec.subcommands.flatMap((sub) => walk(sub, `${path} ${sub.name}`)),
];

/** A bash $'…' string: only the characters our own flags and names use, escaped anyway. */
const ansiC = (lines: readonly string[]): string =>
  `$'${lines
    .join('\n')
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')}'`;

const bashScript = (spec: CommandSpec): string => {
  const nodes = walk(spec);
  const paths = nodes.filter((node) => node.path !== '').map((node) => `"${node.path}"`);
  const choiceCases = nodes.flatMap((node) =>
    node.spec.options
      .filter((option) => option.choices)
      .map((option) => `    "${node.path}:${option.flag}") _rolecall_filter "$cur" <<< ${ansiC(option.choices!)}; return;;`),
  );
  const valueFlags = [
    ...new Set(
      nodes.flatMap((node) =>
        node.spec.options.filter((option) => option.takesValue && !DYNAMIC[option.flag]).map((option) => option.flag),
      ),
    ),
  ];
  const wordCases = nodes.map(
    (node) =>
      `    "${node.path}") words=${ansiC([...node.spec.subcommands.map((sub) => sub.name), ...node.spec.argumentChoices, ...node.spec.options.map((option) => option.flag)])};;`,
  );
  return `# rolecall completion for bash (and zsh through bashcompinit).
# Install: rolecall completion bash > ~/.local/share/bash-completion/completions/rolecall
# Account, role and instance names come from Rolecall's cache: no AWS call while you press Tab.

# Adds each line of stdin that starts with $1 to COMPREPLY, quoted for the shell (names can hold spaces).
_rolecall_filter() {
  local line
  while IFS= read -r line; do
    if [[ -n "$line" && "$line" == "$1"* ]]; then
      printf -v line '%q' "$line"
      COMPREPLY+=("$line")
    fi
  done
  return 0
}

_rolecall() {
  # zsh ties \`path\` to PATH, so the command path lives in \`cmdpath\`.
  [[ -n "\${ZSH_VERSION-}" ]] && setopt localoptions ksharrays
  COMPREPLY=()
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmdpath="" account="" instance="" word words i
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    # After \`--\` (exec): the command and its arguments, completed as the shell would.
    if [[ "$word" == "--" ]]; then
      compopt -o default 2>/dev/null
      return 0
    fi
    case "$word" in
      --account) account="\${COMP_WORDS[i+1]}";;
      --instance) instance="\${COMP_WORDS[i+1]}";;
    esac
    case "$cmdpath $word" in
      ${paths.join('|')}) cmdpath="$cmdpath $word";;
    esac
  done
  case "$prev" in
    --account|--role|--instance)
      local list="\${prev#--}s"
      # The positional parameters carry the filters: zsh would pass \${account:+--account "$account"} as one word.
      set --
      [[ -n "$account" ]] && set -- "$@" --account "$account"
      [[ -n "$instance" ]] && set -- "$@" --instance "$instance"
      _rolecall_filter "$cur" < <("\${COMP_WORDS[0]}" completion --list "$list" "$@" 2>/dev/null)
      return 0;;
  esac
  case "$cmdpath:$prev" in
${choiceCases.join('\n')}
  esac
  case "$prev" in
    ${valueFlags.join('|')}) return 0;;
  esac
  case "$cmdpath" in
${wordCases.join('\n')}
  esac
  _rolecall_filter "$cur" <<< "$words"
}

complete -F _rolecall rolecall
`;
};

const zshScript = (spec: CommandSpec): string => `#compdef rolecall
# rolecall completion for zsh. Install: rolecall completion zsh > "\${fpath[1]}/_rolecall" (or eval "$(rolecall completion zsh)" in ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
${bashScript(spec)}`;

const fishQuote = (value: string): string => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

const fishScript = (spec: CommandSpec): string => {
  const lines = [
    '# rolecall completion for fish. Install: rolecall completion fish > ~/.config/fish/completions/rolecall.fish',
    "# Account, role and instance names come from Rolecall's cache: no AWS call while you press Tab.",
    'complete -c rolecall -f',
  ];
  for (const option of spec.options)
    lines.push(`complete -c rolecall -n '__fish_use_subcommand' -l ${option.flag.slice(2)} -d ${fishQuote(option.description)}`);
  for (const sub of spec.subcommands) {
    lines.push(`complete -c rolecall -n '__fish_use_subcommand' -a ${sub.name} -d ${fishQuote(sub.description)}`);
    const nodes = walk(sub, sub.name);
    for (const { path, spec: node } of nodes) {
      const words = path.split(' ');
      const condition = `__fish_seen_subcommand_from ${words[words.length - 1]!}`;
      for (const child of node.subcommands)
        lines.push(`complete -c rolecall -n ${fishQuote(condition)} -a ${child.name} -d ${fishQuote(child.description)}`);
      if (node.argumentChoices.length > 0)
        lines.push(`complete -c rolecall -n ${fishQuote(condition)} -a ${fishQuote(node.argumentChoices.join(' '))}`);
      for (const option of node.options) {
        const list = DYNAMIC[option.flag];
        const values = list
          ? ` -r -a ${fishQuote(`(rolecall completion --list ${list} 2>/dev/null)`)}`
          : option.choices
            ? ` -r -a ${fishQuote(option.choices.join(' '))}`
            : option.takesValue
              ? ' -r'
              : '';
        lines.push(
          `complete -c rolecall -n ${fishQuote(condition)} -l ${option.flag.slice(2)}${values} -d ${fishQuote(option.description)}`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
};

/** A PowerShell single-quoted string: only `'` is special (doubled). */
const psQuote = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const psArray = (values: readonly string[]): string => `@(${values.map(psQuote).join(', ')})`;

/**
 * PowerShell (5.1 and 7): a native argument completer with the same candidates as the bash
 * script: subcommands, options and choices from the command tree, account, role and instance
 * names from `rolecall completion --list` (the cache only). Values with spaces or quotes come
 * back single-quoted, so a hostile account name is text, never code.
 */
const powershellScript = (spec: CommandSpec): string => {
  const nodes = walk(spec);
  const paths = nodes.filter((node) => node.path !== '').map((node) => node.path);
  const words = nodes.map(
    (node) =>
      `    ${psQuote(node.path)} = ${psArray([...node.spec.subcommands.map((sub) => sub.name), ...node.spec.argumentChoices, ...node.spec.options.map((option) => option.flag)])}`,
  );
  const choices = nodes.flatMap((node) =>
    node.spec.options
      .filter((option) => option.choices)
      .map((option) => `    ${psQuote(`${node.path}:${option.flag}`)} = ${psArray(option.choices!)}`),
  );
  const valueFlags = [
    ...new Set(
      nodes.flatMap((node) =>
        node.spec.options.filter((option) => option.takesValue && !DYNAMIC[option.flag]).map((option) => option.flag),
      ),
    ),
  ];
  return `# rolecall completion for PowerShell.
# Install: rolecall completion powershell | Out-String | Invoke-Expression   (add that line to $PROFILE)
# Account, role and instance names come from Rolecall's cache: no AWS call while you press Tab.
Register-ArgumentCompleter -Native -CommandName rolecall -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $paths = ${psArray(paths)}
  $words = @{
${words.join('\n')}
  }
  $choices = @{
${choices.join('\n')}
  }
  $valueFlags = ${psArray(valueFlags)}
  $before = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })
  # The word being completed is not one of those before it.
  if ($wordToComplete -ne '' -and $before.Count -gt 0 -and $before[-1] -eq $wordToComplete) { $before = @($before | Select-Object -SkipLast 1) }
  $path = ''; $account = ''; $instance = ''
  for ($i = 1; $i -lt $before.Count; $i++) {
    $word = $before[$i]
    # After \`--\` (exec): the command and its arguments, completed as PowerShell would.
    if ($word -eq '--') { return }
    if ($word -eq '--account' -and $i + 1 -lt $before.Count) { $account = $before[$i + 1] }
    if ($word -eq '--instance' -and $i + 1 -lt $before.Count) { $instance = $before[$i + 1] }
    if ($paths -ccontains "$path $word") { $path = "$path $word" }
  }
  $prev = if ($before.Count -gt 1) { $before[-1] } else { '' }
  if ($prev -ceq '--account' -or $prev -ceq '--role' -or $prev -ceq '--instance') {
    $extra = @()
    if ($account) { $extra += @('--account', $account) }
    if ($instance) { $extra += @('--instance', $instance) }
    $candidates = @(& rolecall completion --list ($prev.Substring(2) + 's') @extra 2>$null)
  } elseif ($choices.ContainsKey("$($path):$prev")) {
    $candidates = $choices["$($path):$prev"]
  } elseif ($valueFlags -ccontains $prev) {
    return
  } else {
    $candidates = $words[$path]
  }
  # Names with spaces or PowerShell's special characters come back single-quoted: text, never code.
  $candidates | Where-Object { $_ -and $_.StartsWith($wordToComplete, [System.StringComparison]::Ordinal) } | ForEach-Object {
    $text = if ($_ -match '[^\\w./:+=-]') { "'" + ($_ -replace "'", "''") + "'" } else { $_ }
    [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
  }
}
`;
};

export const completionScript = (shell: CompletionShell, spec: CommandSpec): string =>
  shell === 'bash' ? bashScript(spec) : shell === 'zsh' ? zshScript(spec) : shell === 'fish' ? fishScript(spec) : powershellScript(spec);

/** No line with a control character reaches a shell's completion list. */
const plain = (value: string): boolean => !/[\p{Cc}\p{Cf}]/u.test(value);

/** The cached directory of an instance, read without moving a bad file aside or calling AWS. */
const cachedDirectory = async (configDir: string, instanceId: string): Promise<Directory | undefined> => {
  try {
    const parsed = JSON.parse(await readFile(new DirectoryCache(join(configDir, 'cache')).pathOf(instanceId), 'utf8')) as {
      directory?: Directory;
    };
    return Array.isArray(parsed.directory?.accounts) ? parsed.directory : undefined;
  } catch {
    return undefined;
  }
};

/** Candidates for `--account`, `--role` or `--instance`, one a line, from the caches only; nothing on any problem. */
export const completionCandidates = async (
  list: (typeof completionLists)[number],
  filters: { account?: string; instance?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> => {
  try {
    const configDir = await resolveConfigDir(env);
    const { instances } = await new FileSettingsStore(configDir).load();
    if (list === 'instances')
      return instances
        .flatMap((instance) => [instance.id, ...(instance.label && instance.label !== instance.id ? [instance.label] : [])])
        .filter(plain);
    const directory = await cachedDirectory(configDir, selectInstance(instances, filters.instance).id);
    if (!directory) return [];
    if (list === 'accounts')
      return [...new Set(directory.accounts.flatMap((account) => [account.accountName, account.accountId]))].filter(plain);
    const accounts = filters.account
      ? directory.accounts.filter((account) => account.accountId === filters.account || account.accountName === filters.account)
      : directory.accounts;
    return [...new Set(accounts.flatMap((account) => account.roles))].filter(plain).sort();
  } catch {
    return [];
  }
};

const completionSchema = z.object({
  list: z.enum(completionLists).optional(),
  account: z.string().optional(),
  instance: z.string().optional(),
});

/** `rolecall completion bash|zsh|fish|powershell`: prints the script; `--list KIND` (what the scripts call) prints cached names. */
export const completion = async (shell: string | undefined, raw: unknown, program: Command, output: CliOutput): Promise<void> => {
  const options = parseOptions(completionSchema, raw);
  if (options.list) {
    const candidates = await completionCandidates(options.list, options);
    if (candidates.length > 0) output.out(candidates.join('\n'));
    return;
  }
  const parsed = z.enum(completionShells).safeParse(shell);
  if (!parsed.success) {
    output.err(`Name the shell: rolecall completion ${completionShells.join('|')}.`);
    process.exitCode = 2;
    return;
  }
  output.out(completionScript(parsed.data, commandSpec(program)));
};
