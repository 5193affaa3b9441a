#!/usr/bin/env python3
"""Many dbt projects in one `dotnet build -m:2` on one API key with a rate limit: every upload arrives,
and how close the build's requests come to the rate's floor (requests divided by rate).

Against the local server (a separate process on 127.0.0.1) with Qarion's lowest tier by default: 60
requests a minute, 5 at once. Each project resolves its connector by name (a lookup and an upload:
two requests). The figures: the API span (first request to the last answer, as the server recorded
them), the floor, their ratio, the refusals (429) drawn, and the build's wall time. Nothing here is a test.

    python3 tests/Qarion.Benchmarks/monorepo.py [--projects 20 50] [--rate 60] [--burst 5]
"""
import argparse, datetime, json, os, shutil, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KEY = "bench-monorepo-key"
SPACE = "bench"
ENV = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", MSBUILDDISABLENODEREUSE="1", QARION_API_KEY=KEY, CI="true")
MANIFEST = os.path.join(ROOT, "tests", "data", "dbt-manifests", "jaffle-shop-dbt-1.10.manifest.json")


def run(args, cwd=ROOT):
    result = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return result


def requests_seen(url):
    with urllib.request.urlopen(url + "/_local/requests") as response:
        return json.loads(response.read())


def monorepo(work, feed, version, url, count):
    root = os.path.join(work, f"repo-{count}")
    os.makedirs(root)
    for f in ("Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"):
        open(os.path.join(root, f), "w").write("<Project />")
    open(os.path.join(root, "NuGet.config"), "w").write(
        f'<configuration><packageSources><clear /><add key="feed" value="{feed}" />'
        '<add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources></configuration>')
    entries = []
    for i in range(count):
        name = f"dbt_{count}_{i:03}"
        os.makedirs(os.path.join(root, name, "target"))
        shutil.copyfile(MANIFEST, os.path.join(root, name, "target", "manifest.json"))
        open(os.path.join(root, name, f"{name}.csproj"), "w").write(
            f'<Project Sdk="Microsoft.Build.NoTargets/3.7.0"><PropertyGroup><TargetFramework>net10.0</TargetFramework>'
            f'<QarionSpace>{SPACE}</QarionSpace><QarionConnectorName>{name}</QarionConnectorName><QarionApiUrl>{url}</QarionApiUrl>'
            f'</PropertyGroup><ItemGroup><PackageReference Include="Qarion.Build" Version="{version}" /></ItemGroup></Project>')
        entries.append(f'<Project Path="{name}/{name}.csproj" />')
    open(os.path.join(root, "dbt.slnx"), "w").write("<Solution>" + "".join(entries) + "</Solution>")
    # Restored first, so the build's wall time is the build's.
    run(["dotnet", "restore", "dbt.slnx"], cwd=root)
    return root


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--rate", type=int, default=60, help="requests per minute per key")
    parser.add_argument("--burst", type=int, default=5)
    a = parser.parse_args()

    work = tempfile.mkdtemp(prefix="qarion-monorepo-")
    version = f"0.0.0-bench.{int(time.time())}"
    feed = os.path.join(work, "feed")
    run(["dotnet", "build", "src/Qarion.LocalServer", "-c", "Release"])
    run(["dotnet", "pack", "src/Qarion.Build", "-c", "Release", "-o", feed, f"-p:MinVerVersionOverride={version}"])
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores; {a.rate} requests a minute, {a.burst} at once; files in {work}")
    print("| projects | requests | 429s | uploaded | API span s | floor s | span / floor | build wall s |")
    print("|---|---|---|---|---|---|---|---|")
    for count in a.projects:
        url_file = os.path.join(work, f"url-{count}")
        connectors = [arg for i in range(count) for arg in ("--connector", f"{SPACE}/dbt_{count}_{i:03}")]
        server = subprocess.Popen(["dotnet", os.path.join(ROOT, "src/Qarion.LocalServer/bin/Release/net10.0/Qarion.LocalServer.dll"),
                                   "--port", "0", "--url-file", url_file, "--api-key", KEY, "--discard-uploads",
                                   "--rate-limit", str(a.rate), "--rate-limit-burst", str(a.burst), *connectors],
                                  env=ENV, stdout=subprocess.DEVNULL)
        try:
            while not os.path.exists(url_file):
                time.sleep(0.1)
            url = open(url_file).read().strip().rstrip("/")
            root = monorepo(work, feed, version, url, count)
            # The restore's requests are none of the server's: start counting now.
            start = time.perf_counter()
            result = subprocess.run(["dotnet", "build", "dbt.slnx", "-m:2", "-nr:false", "--no-restore"], cwd=root, env=ENV, capture_output=True, text=True)
            wall = time.perf_counter() - start
            seen = [r for r in requests_seen(url) if r["path"].startswith("/catalog/")]
            uploaded = result.stdout.count(": uploaded ")
            times = sorted(datetime.datetime.fromisoformat(r["at"]) for r in seen)
            span = (times[-1] - times[0]).total_seconds() if times else 0
            requests = len([r for r in seen if r["status"] != 429])
            floor = requests / (a.rate / 60)
            refused = len([r for r in seen if r["status"] == 429])
            print(f"| {count} | {requests} | {refused} | {uploaded} of {count}{'' if result.returncode == 0 else ' (build failed)'} | {span:.1f} | {floor:.1f} | {span / floor:.2f} | {wall:.1f} |")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
