// Whether this process runs in CI, by the ci-info package. Loaded on first use, not at import:
// ci-info checks some forty vendors' variables when it loads, which every tool would pay at
// start-up although only the notice and the consent question ever ask. (The bundle inlines
// ci-info; `require` here is what keeps its evaluation lazy.)
let cached: boolean | undefined;

export function isCI(): boolean {
  cached ??= (require('ci-info') as typeof import('ci-info')).isCI;
  return cached;
}
