/**
 * How the multiline joiner recognises stack traces. Each pattern is anchored and has at most one
 * unbounded wildcard, so none can backtrack badly on a long line.
 *
 * A trace never starts inside a group by accident: lines that continue a record are either
 * unambiguous (an indented `at …` frame, `Caused by:`, `--- End of …`) or are held until the
 * next line confirms them (an exception header followed by a frame; a Go function followed by
 * its `file.go:N` line; a blank line followed by more of the same trace).
 */

/** Java, Node and .NET frames: `\tat a.b(C.java:3)`, `    at fn (/x.js:2:7)`, `   at X() in f.cs:line 9`. */
export const FRAME = /^\s+at \S.*(?:\)|\d|\{|\])$/;
/** `\t... 9 more`, `... 12 common frames omitted`, Node's `... 4 lines matching cause stack trace ...`. */
export const MORE = /^\s+\.\.\. \d+ (?:more|common frames omitted|lines matching)/;
export const CAUSED = /^\s*(?:Caused by|Suppressed): \S/;
export const DOTNET_MARKER = /^\s*(?:--- End of |---> )/;
export const NODE_CAUSE = /^\s+\[(?:cause|errors)\]: /;
const EXCEPTION_NAME = /^(?:[A-Za-z_$][\w$]*[./])*(?:[A-Za-z_$][\w$]*)?(?:Exception|Error)$/;
const MAX_EXCEPTION_NAME = 256;

/**
 * `java.lang.IllegalStateException: msg`, `System.NullReferenceException: …`, `TypeError: …`,
 * Node's `Error [ERR_X]: …`. The name is cut out first and tested on its own, which bounds the
 * work on a long line however many dots it has.
 */
export function isExceptionHeader(line: string): boolean {
  let end = 0;
  while (end < line.length && end <= MAX_EXCEPTION_NAME && line[end] !== ':' && line[end] !== ' ') end++;
  if (end > MAX_EXCEPTION_NAME || !EXCEPTION_NAME.test(line.slice(0, end))) return false;
  const rest = line.slice(end);
  return rest === '' || rest === ':' || rest.startsWith(': ') || /^ \[[A-Z_0-9]+\]:/.test(rest);
}
export const JAVA_THREAD = /^Exception in thread "/;

export const PY_TRACEBACK = /^Traceback \(most recent call last\):$/;
export const PY_CHAIN =
  /^(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)$/;
/** The last line of a Python traceback: the exception's qualified name and message, not indented. */
export const PY_EXCEPTION = /^[A-Za-z_][\w.]*(?::.*)?$/;

export const GO_START = /^(?:panic: |fatal error: |SIGQUIT: |SIGABRT: |goroutine \d+ \[)/;
export const GO_GOROUTINE = /^goroutine \d+ \[[^\]]*\]:$/;
/** `main.main()`, `pkg/x.(*T).M(0xc4…, …)`, zap's bare `sigs.k8s.io/x.(*C).Start.func2.2`. */
export const GO_FUNC = /^[\w\-./]+(?:\(\*?[\w-]+\)[\w\-.]*)?(?:\(.*\))?$/;
export const GO_FILE = /^\s+\S+\.go:\d+(?: \+0x[0-9a-f]+)?$/;
export const GO_OTHER = /^(?:\[signal |created by |PC=0x|\s+\S)/;

/** Node's uncaught-exception banner: `/app/server.js:8`, then the source line and a caret. */
export const NODE_SITE = /^(?:\/|[A-Za-z]:\\|file:\/\/|node:)\S*:\d+$/;
export const CARET = /^\s*\^+\s*$/;
export const NODE_VERSION = /^Node\.js v\d/;

/** ASP.NET Core's console logger: `fail: Category[13]` with the message indented six spaces. */
export const DOTNET_START = /^(?:trce|dbug|info|warn|fail|crit): \S/;
export const DOTNET_INDENT = /^ {6}\S/;

/** A record a trace may belong to: one that reports a problem. */
export const ERRORISH =
  /\b(?:ERROR|ERRO|ERR|FATAL|CRITICAL|CRIT|SEVERE|PANIC|WARN|WARNING|Exception|exception|Error|error|failed|failure)\b|^(?:fail|crit|warn): /;

export const BLANK = /^\s*$/;

/** A Go function line that is plainly code: qualified with a dot or slash. */
export function isGoFunc(line: string): boolean {
  return GO_FUNC.test(line) && (line.includes('.') || line.includes('/'));
}

/** What kind of trace a group is in, which decides the lines it may take next. */
export type Mode =
  | 'none'
  | 'trace'
  | 'python'
  | 'python-done'
  | 'python-chain'
  | 'go'
  | 'node-site'
  | 'node-trace'
  | 'dotnet'
  | 'closed';

/** The mode a group starts in, from its first line. */
export function startMode(line: string): Mode {
  if (PY_TRACEBACK.test(line)) return 'python';
  if (GO_START.test(line)) return 'go';
  if (NODE_SITE.test(line)) return 'node-site';
  if (DOTNET_START.test(line)) return 'dotnet';
  if (JAVA_THREAD.test(line) || isExceptionHeader(line)) return 'trace';
  return 'none';
}

/** A line continuing a group in its mode, before any generic rule; `hold` = decide on the next line. */
export function modeVerdict(line: string, mode: Mode, lineCount: number): 'continue' | 'hold' | undefined {
  const blank = BLANK.test(line);
  switch (mode) {
    case 'python':
      return /^\s+\S/.test(line) || PY_EXCEPTION.test(line) ? 'continue' : undefined;
    case 'python-done':
      return blank ? 'hold' : PY_CHAIN.test(line) ? 'continue' : undefined;
    case 'python-chain':
      return blank ? 'hold' : PY_TRACEBACK.test(line) ? 'continue' : undefined;
    case 'go':
      if (blank) return 'hold';
      // Inside a dump even unqualified functions (`panic(0x5a6120, …)`) are frames.
      return GO_GOROUTINE.test(line) || GO_OTHER.test(line) || GO_FUNC.test(line) ? 'continue' : undefined;
    case 'node-site':
      if (blank) return 'hold';
      // The line after the banner is the offending source line, whatever it contains.
      return lineCount === 1 || CARET.test(line) || isExceptionHeader(line) ? 'continue' : undefined;
    case 'node-trace':
      return blank ? 'hold' : NODE_VERSION.test(line) ? 'continue' : undefined;
    case 'dotnet':
      return DOTNET_INDENT.test(line) ? 'continue' : undefined;
    default:
      return undefined;
  }
}

/** The mode after `line` joined a group that was in `mode`. */
export function nextMode(line: string, mode: Mode): Mode {
  if (mode === 'python' && PY_EXCEPTION.test(line)) return 'python-done';
  if (PY_CHAIN.test(line)) return 'python-chain';
  if (PY_TRACEBACK.test(line)) return 'python';
  if (mode === 'node-site' && isExceptionHeader(line)) return 'node-trace';
  if (mode === 'node-trace' && NODE_VERSION.test(line)) return 'closed';
  return mode;
}
