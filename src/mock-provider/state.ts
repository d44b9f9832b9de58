import type { MockDirective, MockFailure, RecordedRequest } from './types.ts';

/** The mutable part of a running mock: defaults, `fail.times` counters, recorded requests, ids. */
export class MockState {
  defaults: MockDirective;
  readonly recorded: RecordedRequest[] = [];
  private readonly failCounts = new Map<string, number>();
  private sequence = 0;

  constructor(
    private readonly initialDefaults: MockDirective,
    readonly recordRequests: boolean,
    private readonly maxRecorded: number,
  ) {
    this.defaults = initialDefaults;
  }

  /** A short unique id suffix for response and request ids. */
  nextId(): string {
    this.sequence++;
    return this.sequence.toString(36).padStart(6, '0');
  }

  record(request: RecordedRequest): void {
    if (!this.recordRequests || this.maxRecorded <= 0) return;
    this.recorded.push(request);
    if (this.recorded.length > this.maxRecorded) this.recorded.shift();
  }

  /** True when this call must fail: always without `times`, else for the first `times` calls of `key`. */
  shouldFail(failure: MockFailure, key: string | undefined): boolean {
    if (failure.times === undefined) return true;
    const counterKey = key ?? '';
    const calls = this.failCounts.get(counterKey) ?? 0;
    this.failCounts.set(counterKey, calls + 1);
    return calls < failure.times;
  }

  setDefaults(directive: MockDirective): void {
    this.defaults = directive;
    this.failCounts.clear();
  }

  reset(): void {
    this.recorded.length = 0;
    this.setDefaults(this.initialDefaults);
  }
}
