// The Docker source: container metrics read from cgroups, the engine's event stream, and every
// container's stdout/stderr, with per-container positions that survive agent restarts.
export { dockerSchema, type DockerConfig } from './config.ts';
export { dockerSource, DockerSource } from './docker.ts';
