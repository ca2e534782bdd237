import { buildRenderer } from '../../web/renderer-build';

/**
 * The built renderer in dist/renderer, the directory `rolecall web` serves too. Spec files run
 * in parallel worker processes, and no lock is needed here: buildRenderer serialises builders
 * across processes itself (a lock beside the output, the staleness check asked again once it
 * is held, so a second worker finds the first one's build current) and moves a build in file
 * by file, so a browser already on dist/renderer never finds it missing or half there
 * (web/renderer-build-concurrency.test.ts).
 */
export const ensureRendererBuilt = (): Promise<string> => buildRenderer();
