import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { parseHash, type Route } from './route.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Seconds between live refreshes (0: off); shared by every page, chosen in the header. */
let refreshSeconds = 15;
const listeners = new Set<() => void>();
export function getRefreshSeconds(): number {
  return refreshSeconds;
}
export function setRefreshSeconds(seconds: number): void {
  refreshSeconds = seconds;
  for (const listener of listeners) listener();
}

/**
 * Loads `fetcher` now, whenever `deps` change, and again every few seconds while the tab is visible
 * (hidden tabs do not poll; becoming visible refreshes at once). Earlier answers that arrive late are ignored.
 */
export function usePoll<T>(fetcher: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const [, setTick] = useState(0);

  const load = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    fetcherRef.current().then(
      (data) => mine === generation.current && setState({ data, error: undefined, loading: false }),
      (error: Error) => mine === generation.current && setState((previous) => ({ data: previous.data, error, loading: false })),
    );
  }, []);

  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: true });
    load();
  }, deps);

  useEffect(() => {
    const rerender = () => setTick((n) => n + 1);
    listeners.add(rerender);
    let timer: ReturnType<typeof setInterval> | undefined;
    const arm = () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (refreshSeconds > 0 && !document.hidden) timer = setInterval(load, refreshSeconds * 1000);
    };
    const onVisibility = () => {
      if (!document.hidden) load();
      arm();
    };
    arm();
    document.addEventListener('visibilitychange', onVisibility);
    const onChange = () => arm();
    listeners.add(onChange);
    return () => {
      if (timer) clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      listeners.delete(rerender);
      listeners.delete(onChange);
    };
  }, [load]);

  return { ...state, reload: load };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

/** Replaces some query parameters of the current page (empty string removes one). */
export function setParams(page: string, current: URLSearchParams, changes: Record<string, string>): void {
  const next = new URLSearchParams(current);
  for (const [name, value] of Object.entries(changes)) {
    if (value === '') next.delete(name);
    else next.set(name, value);
  }
  const search = next.toString();
  location.hash = `#/${page}${search ? `?${search}` : ''}`;
}
