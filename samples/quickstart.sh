#!/usr/bin/env bash
# The quick start: the whole Qarion.Build flow on this machine, with no Qarion account.
#   1. packs Qarion.Build into artifacts/packages;
#   2. starts the local Qarion-compatible server on a free port (stopped again on exit or Ctrl+C);
#   3. builds the two sample dbt projects with `dotnet build -m`: dbt (a stand-in here) writes each
#      target/manifest.json, Qarion.Build uploads it and waits for the sync job;
#   4. prints what the catalog now holds, with Qarion.Client.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "quickstart: interrupted" >&2; exit 130' INT TERM

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export MSBUILDDISABLENODEREUSE=1
# A key for the local server only; with real Qarion, CI maps a secret into QARION_API_KEY.
export QARION_API_KEY=local-quickstart-key
# The samples restore from a packages folder of their own, so each run gets the package just packed.
export NUGET_PACKAGES="$root/artifacts/quickstart/nuget-packages"
rm -rf "$NUGET_PACKAGES/qarion.build"

step() { printf '\n==> %s\n' "$*"; }
# A preparation step says nothing when it works, and everything when it fails.
quiet() { "$@" > "$work/step.log" 2>&1 || { cat "$work/step.log" >&2; return 1; }; }

step "Packing Qarion.Build into artifacts/packages"
rm -f artifacts/packages/Qarion.Build.*.nupkg
quiet dotnet pack src/Qarion.Build -c Release -o artifacts/packages -nologo
# Versions come from git (MinVer): each commit packs its own, e.g. 0.1.0-alpha.0.42.
package=$(ls artifacts/packages/Qarion.Build.*.nupkg)
version=${package#artifacts/packages/Qarion.Build.}
version=${version%.nupkg}
echo "    Qarion.Build $version"

step "Starting the local Qarion-compatible server on a free port"
quiet dotnet build src/Qarion.LocalServer -c Release -nologo
dotnet src/Qarion.LocalServer/bin/Release/net10.0/Qarion.LocalServer.dll --port 0 --url-file "$work/url" \
  --connector marketing-analytics/jaffle_shop --connector marketing-analytics/hubspot --sync-ms 1500 --log > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
url=$(cat "$work/url")
echo "    $url"

step "dotnet build -m samples/samples.slnx: dbt (stand-in) writes the manifests, Qarion.Build uploads them and waits for the sync"
# -tl:off: the terminal logger (the default in a terminal) would hide the Qarion lines this step is about.
# `dotnet msbuild -restore` is `dotnet build` without its closing summary: the Qarion lines are the story.
PATH="$root/samples/dbt-standin:$PATH" dotnet msbuild samples/samples.slnx -restore -v:m -m -nr:false -nologo -tl:off \
  -p:QarionBuildVersion="$version" -p:QarionApiUrl="$url" -p:QarionUploadEnabled=true -p:QarionForceUpload=true \
  -p:QarionWaitForSync=true -p:QarionSyncPollSeconds=0.5

step "What the catalog now holds"
QARION_BASE_URL="$url" dotnet run --project samples/CatalogReport -c Release -v:q -- marketing-analytics

step "What the server saw"
sed 's/^/  /' "$work/server.log"
