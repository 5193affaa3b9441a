#!/usr/bin/env bash
# Mutation testing (Stryker.NET, from the repository's tool manifest) over the areas whose tests must be
# able to fail: the client's HTTP layer (transport, retries, rate limits, error mapping, scrubbing) and
# manifest check, and the task's upload decision and reporting. Too slow for CI on two cores: run it
# before calling a change to those areas done. Reports land in each test project's StrykerOutput/.
#
#   bash tests/mutation.sh [client|build|all]     (default all; after `dotnet tool restore`)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
which=${1:-all}
score() { grep -Eo 'The final mutation score is [0-9.]+ ?%' "$1" | tail -1 || true; }
if [ "$which" = client ] || [ "$which" = all ]; then
  (cd tests/Qarion.Client.Tests && dotnet stryker --config-file stryker-config.json | tee /tmp/qarion-stryker-client.log)
  echo "client (Http, Manifests): $(score /tmp/qarion-stryker-client.log)"
fi
if [ "$which" = build ] || [ "$which" = all ]; then
  (cd tests/Qarion.Build.Tests && dotnet stryker --config-file stryker-config.json | tee /tmp/qarion-stryker-build.log)
  echo "task (Upload, Reporting): $(score /tmp/qarion-stryker-build.log)"
fi
