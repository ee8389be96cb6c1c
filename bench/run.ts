// `npm run bench`: every benchmark in turn. Each prints its own figures.
await import('./gateway.ts');
await import('./journald.ts');
