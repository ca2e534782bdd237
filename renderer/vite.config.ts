import { rendererViteConfig } from '../web/renderer-vite-config';

// vite's CLI wants a default export; the configuration itself is shared with buildRenderer.
export default rendererViteConfig();
