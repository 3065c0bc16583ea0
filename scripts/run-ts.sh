#!/bin/sh
# Dev helper: run one TypeScript file through esbuild (no type check).
f="$1"; shift
npx esbuild "$f" --bundle --platform=node --format=esm --external:koffi --external:mmap-io --log-level=error \
  --banner:js="import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" > /tmp/run-ts-$$.mjs && node /tmp/run-ts-$$.mjs "$@"; r=$?; rm -f /tmp/run-ts-$$.mjs; exit $r
