// The gateway's parsing layer, with no I/O: framers turn byte chunks into lines, parsers turn one
// line into one LogRecord (auto-detected or pinned per listener), and the multiline joiner folds
// stack traces into the record they belong to. Everything here is pure or a plain state machine,
// so listeners (TCP, UDP, syslog) only move bytes and own the timers.
export { DEFAULT_MAX_LINE_BYTES, type Frame, type Framer, type FramerOptions } from './framing/types.ts';
export { NewlineFramer } from './framing/newline-framer.ts';
export { OctetCountingFramer } from './framing/octet-counting-framer.ts';
export { AutoFramer, createFramer, type FramingName } from './framing/auto-framer.ts';
export type { FormatName, LineParser, ParseContext } from './types.ts';
export { PARSERS, FORMAT_NAMES, isFormatName } from './registry.ts';
export { candidates, parseFrame, parseLine, type FormatChoice } from './detect.ts';
export { MultilineJoiner, streamKey, type MultilineOptions } from './multiline.ts';
export { stripAnsi } from './ansi.ts';
export { parseConfigSchema, type ParseConfig } from './config.ts';
