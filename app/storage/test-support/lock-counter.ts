// A child process for file-lock.test.ts: increments a counter file N times, each time as a
// read-modify-write under the shared lock, with a pause between read and write that makes a
// lost update certain without the lock.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from '../file-lock';

const [dir, times] = process.argv.slice(2);
if (!dir || !times) throw new Error('usage: lock-counter DIR TIMES');
const counter = join(dir, 'counter');
for (let i = 0; i < Number(times); i += 1) {
  await withFileLock(dir, 'counter', async () => {
    const value = Number(await readFile(counter, 'utf8').catch(() => '0'));
    await new Promise((resolve) => setTimeout(resolve, 2));
    await writeFile(counter, String(value + 1));
  });
}
