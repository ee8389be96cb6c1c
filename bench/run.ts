// `npm run bench`: every benchmark in turn. Each prints its own figures.
await import('./buffer.ts');
await import('./gateway.ts');
await import('./server-ingest.ts');
await import('./elasticsearch-sink.ts');
await import('./alert-latency.ts');
await import('./anomaly-eval.ts');
await import('./storage.ts');
await import('./search.ts');
await import('./metric-query.ts');
await import('./patterns.ts');
await import('./overview-api.ts');
await import('./ui-overview.ts');
await import('./journald-source.ts');
await import('./journald.ts');
await import('./docker.ts');
