// The collector-URL rule, written once for every room that checks one (open()'s option in
// counter/hub.ts, the config fetch in config/fetch.ts, the uploader's send and its proxy rules):
// reports travel over https:, or http: to this machine (a collector under test); the URL is a
// base, so it carries no user, password, query or fragment. It lives here because every one of
// those rooms may import this one (DESIGN.md §1).

/**
 * Why the rule refuses a URL: `kind` for callers with their own words, `code` as config's
 * errors name it.
 */
export interface UrlProblem {
  kind: 'not-a-url' | 'carries-user-data' | 'not-https';
  code: 'EURL' | 'EINSECURE';
  reason: string;
}

/**
 * True for a host of this machine: 127.0.0.0/8 (WHATWG URL parsing normalizes IPv4 forms to
 * dotted decimal), ::1 (with or without brackets), localhost. Case-insensitive.
 */
export function isLoopbackHost(hostname: string): boolean {
  return /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[?::1\]?|localhost)$/i.test(hostname);
}

/** The collector base URL `url` as a URL ending in '/', or why it may not be used. */
export function checkCollectorUrl(url: string): URL | UrlProblem {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return {
      kind: 'not-a-url',
      code: 'EURL',
      reason: `collector url ${JSON.stringify(url.slice(0, 200))} is not a url`,
    };
  }
  const shown = `${u.protocol}//${u.host}${u.pathname}`;
  if (u.username !== '' || u.password !== '')
    return {
      kind: 'carries-user-data',
      code: 'EURL',
      reason: `collector url ${shown} carries a user or password; nothing of the user may be sent`,
    };
  if (u.search !== '' || u.hash !== '' || url.includes('?') || url.includes('#')) {
    return {
      kind: 'carries-user-data',
      code: 'EURL',
      reason: `collector url ${shown} has a query or fragment; nothing of the user may be sent`,
    };
  }
  const local = u.protocol === 'http:' && isLoopbackHost(u.hostname);
  if (u.protocol !== 'https:' && !local)
    return {
      kind: 'not-https',
      code: 'EINSECURE',
      reason: `collector url ${shown} is not https (plain http only to 127.0.0.1, ::1, localhost)`,
    };
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}
