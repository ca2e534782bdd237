import { visibleEscapes } from '../../app/model/untrusted-text';

/**
 * A name from AWS as the UI shows it: control and bidi characters as visible escapes (see
 * app/model/untrusted-text.ts). Components also render each name inside <bdi>, so a
 * right-to-left name cannot reorder the text around it.
 */
export const displayName = visibleEscapes;
