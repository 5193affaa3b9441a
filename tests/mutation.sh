#!/usr/bin/env bash
# Mutation testing (Stryker.NET, from the repository's tool manifest) over the areas whose tests must be
# able to fail: the client's HTTP layer (transport, retries, rate limits, error mapping, scrubbing), the
# manifest check, and the task's upload decision and reporting. Too slow for CI on two cores (about an
# hour per area here): run the area a change touches before calling it done. Reports land in each test
# project's StrykerOutput/<time>/reports (mutation-report.html lists every surviving mutant).
#
#   bash tests/mutation.sh [http|manifests|task|all]     (default all; after `dotnet tool restore`)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
which=${1:-all}
score() { grep -Eo 'The final mutation score is [0-9.]+ ?%' "$1" | tail -1 || true; }
run() { # area, test project, config
  local log="/tmp/qarion-stryker-$1.log"
  (cd "tests/$2" && dotnet stryker --config-file "$3" | tee "$log")
  echo "$1: $(score "$log")"
}
case "$which" in http|all) run http Qarion.Client.Tests stryker-http.json ;; esac
case "$which" in manifests|all) run manifests Qarion.Dbt.Manifests.Tests stryker-config.json ;; esac
case "$which" in task|all) run task Qarion.Build.Tests stryker-config.json ;; esac
