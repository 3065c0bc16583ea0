// The public pages' shared frame: escaping, the layout, and the headers every answer carries.
// Every page is whole HTML from this server; the only script and style are our own files
// under /assets/, which the Content-Security-Policy makes a rule the browser enforces.
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Cache lifetimes: files that no longer change, and everything else (pages, open weeks). */
export const CACHE_FINAL = 'public, max-age=86400';
export const CACHE_SHORT = 'public, max-age=300';

export function esc(value: string | number | bigint): string {
  return String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A JSON data block inside a page: not executed, and `<` escaped so it cannot end the element. */
export function jsonBlock(elementId: string, value: string): string {
  return `<script type="application/json" id="${esc(elementId)}">${value.replace(/</g, '\\u003c')}</script>`;
}

const NAV = [
  ['/charts', 'Charts'],
  ['/data', 'Data'],
  ['/config', 'Config'],
  ['/privacy', 'Privacy'],
] as const;

export function page(options: {
  title: string;
  path: string;
  body: string;
  script?: boolean;
}): string {
  const nav = NAV.map(
    ([href, label]) =>
      `<a href="${href}"${href === options.path ? ' aria-current="page"' : ''}>${label}</a>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/style.css">
${options.script ? '<script src="/assets/charts.js" defer></script>\n' : ''}</head>
<body>
<header class="top"><nav aria-label="Sections">${nav}</nav></header>
<main id="main">
<h1>${esc(options.title)}</h1>
${options.body}
</main>
</body>
</html>
`;
}

export function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cross-Origin-Resource-Policy', 'same-origin');
}

export function sendPage(reply: FastifyReply, html: string, cache = CACHE_SHORT): FastifyReply {
  return securityHeaders(reply)
    .type('text/html; charset=utf-8')
    .header('Cache-Control', cache)
    .send(html);
}

/** A refusal of the pages, as every refusal of the server: a problem document (RFC 9457). */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
): FastifyReply {
  const doc = { type: 'about:blank', title: STATUS_CODES[status], status, detail, code };
  return securityHeaders(reply)
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send(JSON.stringify(doc));
}

/** 12,345 */
export function digits(value: number | bigint | string): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
