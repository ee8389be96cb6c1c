/** True when dist/birdseye.js exists and, in a checkout, no source under src/ is newer. */
export function compiledIsCurrent(): boolean;
