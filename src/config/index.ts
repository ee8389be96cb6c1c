// Configuration: one schema, loaded from file < environment < flags, validated once and frozen.
export { configSchema, type Config, type ConfigInput } from './schema.ts';
export { loadConfig, type LoadOptions } from './load.ts';
export { OPTIONS, CONFIG_FILE_ENV, type OptionSpec, type Command } from './options.ts';
