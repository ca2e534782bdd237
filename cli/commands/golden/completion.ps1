# rolecall completion for PowerShell.
# Install: rolecall completion powershell | Out-String | Invoke-Expression   (add that line to $PROFILE)
# Account, role and instance names come from Rolecall's cache: no AWS call while you press Tab.
Register-ArgumentCompleter -Native -CommandName rolecall -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $paths = @(' creds', ' config', ' config populate', ' completion')
  $words = @{
    '' = @('creds', 'config', 'completion', '--debug', '--help')
    ' creds' = @('--account', '--role', '--format', '--instance', '--help')
    ' config' = @('populate', '--help')
    ' config populate' = @('--dry-run', '--help')
    ' completion' = @('bash', 'powershell', '--help')
  }
  $choices = @{
    ' creds:--format' = @('posix', 'powershell')
  }
  $valueFlags = @('--format')
  $before = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.ToString() })
  # The word being completed is not one of those before it.
  if ($wordToComplete -ne '' -and $before.Count -gt 0 -and $before[-1] -eq $wordToComplete) { $before = @($before | Select-Object -SkipLast 1) }
  $path = ''; $account = ''; $instance = ''
  for ($i = 1; $i -lt $before.Count; $i++) {
    $word = $before[$i]
    # After `--` (exec): the command and its arguments, completed as PowerShell would.
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
    $text = if ($_ -match '[^\w./:+=-]') { "'" + ($_ -replace "'", "''") + "'" } else { $_ }
    [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
  }
}
