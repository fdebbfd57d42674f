#!/bin/sh
# Mutation testing by phase (stryker.config.js): npm run mutate [edge files service catalog]. Each phase writes
# reports/mutation/<phase>.json; the summary prints each folder's score and every surviving mutant.
set -eu
cd "$(dirname "$0")/.."
phases=${*:-edge files service catalog}
for phase in $phases; do
    echo "== mutation phase: $phase"
    MONSTERR_MUTATE_PHASE=$phase npx stryker run
done
npx ts-node --transpile-only scripts/mutationSummary.ts $phases
