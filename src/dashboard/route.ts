/** The hash route: `#/spend?by=model` → `{ page: 'spend', params }`. Filters live here, so a URL can be shared. */
export interface Route {
  page: string;
  params: URLSearchParams;
}

export function parseHash(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [page = '', search = ''] = hash.split('?');
  return { page: page || 'overview', params: new URLSearchParams(search) };
}
