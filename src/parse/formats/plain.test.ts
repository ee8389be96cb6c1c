import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPTURE_TS, context, fixtureLines } from '../testing.ts';
import { plain } from './plain.ts';

const ansi = fixtureLines('plain/ansi-colour.log');
const tty = fixtureLines('plain/logrus-tty.log');
const java = fixtureLines('plain/java-trace.log');
const python = fixtureLines('plain/python-trace.log');
const dotnet = fixtureLines('multiline/dotnet-kestrel.log');

describe('plain', () => {
  const cases: { name: string; line: string; message?: string; severity: number | undefined }[] = [
    {
      name: 'strips colour codes and finds an upper-case level',
      line: ansi[0]!,
      message: '2026-11-25 07:40:01.345 ERROR 1 --- [main] c.e.shop.Main : Request failed',
      severity: 3,
    },
    { name: 'finds WARN at the start', line: ansi[1]!, message: 'WARN disk usage at 91%', severity: 4 },
    {
      name: 'guesses nothing from inspect output',
      line: ansi[2]!,
      message: "{ status: 'ok', retries: 3 }",
      severity: undefined,
    },
    { name: 'reads logrus ERRO', line: tty[1]!, severity: 3 },
    { name: 'reads logrus DEBU', line: tty[3]!, severity: 7 },
    { name: 'reads logrus INFO', line: tty[0]!, severity: 6 },
    { name: 'reads a Spring Boot INFO', line: java[0]!, severity: 6 },
    { name: 'guesses nothing for a stack frame', line: java[3]!, severity: undefined },
    { name: 'does not take KeyError for a level', line: python[python.length - 1]!, severity: undefined },
    { name: 'reads ASP.NET’s fail: prefix', line: dotnet[0]!, severity: 3 },
    { name: 'guesses nothing for a blank line', line: '', message: '', severity: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const record = plain.parse(c.line, context());
      assert.equal(record?.message, c.message ?? c.line);
      assert.equal(record?.severity, c.severity);
      assert.equal(record?.ts, CAPTURE_TS);
      assert.equal(record?.format, 'plain');
    });
  }
});
