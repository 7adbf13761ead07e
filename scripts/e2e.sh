#!/usr/bin/env bash
# `npm run test:e2e`: every end-to-end file against the built app. Two files at a time, which took 406 s where one
# at a time took 530 s on two cores; the six-browser group call runs alone afterwards, since beside another file it
# would hold the cores that file's browsers need for their own video.
set -euo pipefail
cd "$(dirname "$0")/.."
files=()
for f in test/e2e/*.test.ts; do
  [ "$f" = test/e2e/group.test.ts ] || files+=("$f")
done
node --import tsx --test --test-concurrency=2 "${files[@]}"
node --import tsx --test test/e2e/group.test.ts
