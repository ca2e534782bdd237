// Makes sure the completion tests can run the zsh script in a real zsh: uses the zsh on PATH,
// else installs Debian's zsh package with apt-get where it can. Without one, the zsh tests
// report themselves skipped with the reason (bash is always there; fish and pwsh run where
// present), so this warns instead of failing.
import { spawnSync } from 'node:child_process';
import { aptInstall, canAptGet } from './apt-install.mjs';

const hasZsh = () => spawnSync('zsh', ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;

const installZsh = () => {
  if (!canAptGet()) return false;
  console.log("shells: no zsh found; installing Debian's zsh package");
  return aptInstall(['zsh']) && hasZsh();
};

if (hasZsh()) console.log('shells: using zsh from PATH');
else if (installZsh()) console.log('shells: installed zsh');
else
  console.warn(
    'shells: no zsh here and none could be installed (Debian/Ubuntu: `sudo apt-get install zsh`); the zsh completion tests will be skipped.',
  );
