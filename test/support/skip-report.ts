import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';
import { skipReason } from './skip-unless.ts';

interface SkippedSuite {
  file: string;
  name: string;
  reason: string;
  tests: number;
}

function markedAncestor(test: TestCase): TestSuite | undefined {
  for (let parent: TestSuite | TestModule = test.parent; parent.type === 'suite'; parent = parent.parent) {
    if (skipReason(parent.name)) return parent;
  }
  return undefined;
}

/** Every suite `skipUnless` skipped (with its reason), and how many other tests were skipped. */
export function collectSkips(modules: ReadonlyArray<TestModule>): { suites: SkippedSuite[]; otherSkippedTests: number } {
  const suites: SkippedSuite[] = [];
  let otherSkippedTests = 0;
  for (const module of modules) {
    for (const suite of module.children.allSuites()) {
      const marked = skipReason(suite.name);
      // An inner suite skipped because its outer one was is reported with the outer one.
      if (!marked || (suite.parent.type === 'suite' && hasMarkedAncestor(suite.parent))) continue;
      suites.push({ file: module.relativeModuleId, name: marked.name, reason: marked.reason, tests: [...suite.children.allTests()].length });
    }
    for (const test of module.children.allTests('skipped')) if (!markedAncestor(test)) otherSkippedTests += 1;
  }
  return { suites, otherSkippedTests };
}

function hasMarkedAncestor(suite: TestSuite): boolean {
  for (let at: TestSuite | TestModule = suite; at.type === 'suite'; at = at.parent) if (skipReason(at.name)) return true;
  return false;
}

/** The block printed at the end of a run: loud when suites were skipped, one line when none were. */
export function formatSkips(skips: ReturnType<typeof collectSkips>, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const other = skips.otherSkippedTests ? `\n(${skips.otherSkippedTests} other test${skips.otherSkippedTests === 1 ? '' : 's'} skipped by it.skip/todo, .only or a -t filter)` : '';
  if (skips.suites.length === 0) return `\n${paint('32', 'Every suite ran: none skipped for a missing service or data set.')}${other}\n`;
  const rule = '='.repeat(78);
  const tests = skips.suites.reduce((sum, s) => sum + s.tests, 0);
  const byReason = new Map<string, SkippedSuite[]>();
  for (const suite of skips.suites) byReason.set(suite.reason, [...(byReason.get(suite.reason) ?? []), suite]);
  const lines = [
    rule,
    `SKIPPED: ${skips.suites.length} suite${skips.suites.length === 1 ? '' : 's'} (${tests} tests) did NOT run on this machine`,
    rule,
  ];
  for (const [reason, suites] of byReason) {
    lines.push(`because ${reason}:`);
    for (const suite of suites) lines.push(`  - ${suite.file} > ${suite.name} (${suite.tests} test${suite.tests === 1 ? '' : 's'})`);
  }
  lines.push(rule);
  return `\n${paint('1;33', lines.join('\n'))}${other}\n`;
}

/** Vitest reporter (after `default`): ends every run with the list of skipped suites and why. */
export default class SkipReport implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    process.stdout.write(formatSkips(collectSkips(modules), process.stdout.isTTY === true));
  }
}
