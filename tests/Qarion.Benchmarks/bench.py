#!/usr/bin/env python3
"""Qarion.Build benchmarks: the client's upload and what the package adds to `dotnet build`.

Everything runs on this machine against the local server (a separate process on 127.0.0.1, started
with --discard-uploads: it drains and hashes uploads without reading them, as a remote server looks
from here, so it does not compete with curl or the client for the two cores), side by side with curl
in the same run, and reports medians. Nothing here is a test: it prints figures.

    python3 tests/Qarion.Benchmarks/bench.py [--runs 5] [--client-mb 500] [--build-mb 300] [--memory-mb 1024]
"""
import argparse, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KEY = "bench-local-key"
SPACE = "bench"
ENV = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", MSBUILDDISABLENODEREUSE="1", QARION_API_KEY=KEY)
for ci in ("CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "TEAMCITY_VERSION", "BUILDKITE"):
    ENV.pop(ci, None)


def run(args, cwd=ROOT, env=ENV, check=True):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{result.stdout}\n{result.stderr}")
    return result


def timed(args, cwd, env=ENV):
    """Wall seconds and peak RSS (KiB) of one command, measured in a fresh wrapper process so peaks do not mix."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    out = run([sys.executable, "-c", probe, *args], cwd=cwd, env=env).stdout.split()
    if out[2] != "0":
        sys.exit(f"failed: {' '.join(args)} (exit {out[2]})")
    return float(out[0]), int(out[1])


def api(url, path, method="GET", body=None):
    request = urllib.request.Request(url + path, method=method, data=body, headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


SERVER_PID = None


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def curl_upload(url, connector, path, costs=None):
    """curl's wall seconds; with costs (a list), also appends (curl's CPU, the server's CPU) for this upload."""
    cpu, server = children_cpu(), cpu_seconds(SERVER_PID)
    out = run(["curl", "-sS", "-o", "/dev/null", "-w", "%{time_total} %{http_code}", "-H", f"Authorization: Bearer {KEY}",
               "-F", f"file=@{path};type=application/json;filename=manifest.json",
               f"{url}/catalog/spaces/{SPACE}/connectors/{connector}/dbt-manifest"]).stdout.split()
    assert out[1] == "202", out
    if costs is not None:
        costs.append((children_cpu() - cpu, cpu_seconds(SERVER_PID) - server))
    return float(out[0])


def generate(path, megabytes):
    run(["dotnet", BENCH, "generate", path, str(megabytes * 1024 * 1024)])
    return path


def consumer(directory, feed, version, manifest, with_package=True, name="dbt"):
    os.makedirs(os.path.join(directory, "target"), exist_ok=True)
    for f in ("Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"):
        open(os.path.join(directory, f), "w").write("<Project />")
    open(os.path.join(directory, "NuGet.config"), "w").write(
        f'<configuration><packageSources><clear /><add key="feed" value="{feed}" />'
        '<add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources></configuration>')
    reference = f'<ItemGroup><PackageReference Include="Qarion.Build" Version="{version}" /></ItemGroup>' if with_package else ""
    open(os.path.join(directory, f"{name}.csproj"), "w").write(
        f'<Project Sdk="Microsoft.Build.NoTargets/3.7.0"><PropertyGroup><TargetFramework>net10.0</TargetFramework>'
        f'<QarionSpace>{SPACE}</QarionSpace><QarionConnectorName>manifests</QarionConnectorName>'
        f'<QarionApiUrl>{URL}</QarionApiUrl><QarionUploadEnabled>true</QarionUploadEnabled><QarionTimeoutSeconds>600</QarionTimeoutSeconds>'
        f'</PropertyGroup>{reference}</Project>')
    shutil.copyfile(manifest, os.path.join(directory, "target", "manifest.json")) if not os.path.islink(manifest) else None
    run(["dotnet", "restore", f"{name}.csproj"], cwd=directory)
    return directory


def build(directory, *properties):
    return timed(["dotnet", "build", "dbt.csproj", "--no-restore", "-nr:false", "-m:1", *[f"-p:{p}" for p in properties]], directory)


def median(values):
    return statistics.median(values)


def main():
    global BENCH, URL
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--client-mb", type=int, default=500)
    parser.add_argument("--build-mb", type=int, default=300)
    parser.add_argument("--memory-mb", type=int, default=1024)
    a = parser.parse_args()

    work = tempfile.mkdtemp(prefix="qarion-bench-")
    print(f"# Qarion.Build benchmarks ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, medians of {a.runs} runs; files in {work})")
    run(["dotnet", "build", "src/Qarion.LocalServer", "-c", "Release"])
    run(["dotnet", "build", "tests/Qarion.Benchmarks", "-c", "Release"])
    BENCH = os.path.join(ROOT, "tests/Qarion.Benchmarks/bin/Release/net10.0/Qarion.Benchmarks.dll")
    version = f"0.0.0-bench.{int(time.time())}"
    feed = os.path.join(work, "feed")
    run(["dotnet", "pack", "src/Qarion.Build", "-c", "Release", "-o", feed, f"-p:MinVerVersionOverride={version}"])

    url_file = os.path.join(work, "url")
    global SERVER_PID
    server = subprocess.Popen(["dotnet", os.path.join(ROOT, "src/Qarion.LocalServer/bin/Release/net10.0/Qarion.LocalServer.dll"),
                               "--port", "0", "--url-file", url_file, "--api-key", KEY, "--connector", f"{SPACE}/manifests",
                               "--rate-limit", "100000", "--discard-uploads"], env=ENV, stdout=subprocess.DEVNULL)
    try:
        while not os.path.exists(url_file):
            time.sleep(0.1)
        URL = open(url_file).read().strip()
        connector = api(URL, f"/catalog/spaces/{SPACE}/connectors")[0]["id"]
        SERVER_PID = server.pid

        # The check alone, on one core: the scanner (with and without its XXH64 fingerprint) and Utf8JsonReader,
        # each cold (the first pass of a fresh process, JIT included) and warm; then the scanner per classifier.
        scan_file = generate(os.path.join(work, "m300-scan.json"), 300)
        scans = {}
        for _ in range(a.runs):
            for line in run(["dotnet", BENCH, "scan", scan_file]).stdout.splitlines():
                row = json.loads(line)
                scans.setdefault((row["check"], row["fingerprint"], row["pass"]), []).append(row["mb_per_s"])
        print("\n## The manifest check alone (300 MB generated manifest, one core, file in the page cache)")
        for (check, sha, when), values in scans.items():
            print(f"{check}{' + SHA-256' if sha else ''} ({when}): {median(values):.0f} MB/s")
        check_rate, hash_rate = median(scans[("fast", False, "warm")]), median(scans[("xxh64 alone", False, "warm")])
        real = [os.path.join(ROOT, "tests/data/dbt-manifests", f) for f in ("fivetran-hubspot.manifest.json", "jaffle-shop-dbt-1.10.manifest.json")]
        for line in run(["dotnet", BENCH, "scan-real", *real]).stdout.splitlines():
            row = json.loads(line)
            print(f"scanner in memory, real {row['file']} ({row['bytes']} bytes, scanned over and over): {row['mb_per_s']:.0f} MB/s")

        # The check (with SHA-256) that precedes sending a manifest of up to 64 MB.
        m64 = generate(os.path.join(work, "m64.json"), 64)
        pre = [json.loads(run(["dotnet", BENCH, "precheck", m64]).stdout) for _ in range(a.runs)]
        print(f"\n## 64 MB manifest: the check with its XXH64 before sending (target < 70 ms)")
        print(f"first pass of a fresh process (JIT included): {median([p['cold_ms'] for p in pre]):.0f} ms; "
              f"warm: {median([p['warm_median_ms'] for p in pre]):.0f} ms (fastest {min(p['warm_min_ms'] for p in pre):.0f} ms); "
              f"the check alone takes {64 / check_rate * 1000:.0f} ms and the XXH64, on a second thread beside it, {64 / hash_rate * 1000:.0f} ms")

        # The fixed cost of an upload: what a fresh process pays the first time for each step.
        first_http = median([json.loads(run(["dotnet", BENCH, "first-http", URL, f"/catalog/spaces/{SPACE}/connectors"]).stdout)["ms"] for _ in range(a.runs)])
        steps = [json.loads(run(["dotnet", BENCH, "first-use", URL, SPACE, os.path.join(ROOT, "tests/data/dbt-manifests/jaffle-shop-dbt-1.10.manifest.json")]).stdout) for _ in range(a.runs)]
        print("\n## The fixed cost of an upload: each step the first time in a process, and again (jaffle-shop, 1 MB)")
        print("| step | first time ms | again ms |")
        print("|---|---|---|")
        for key, label in (("check_and_hash_ms", "check + XXH64"), ("client_ms", "QarionClient created"), ("lookup_ms", "connector lookup (GET)"), ("upload_ms", "upload")):
            print(f"| {label} | {median([x['first'][key] for x in steps]):.0f} | {median([x['again'][key] for x in steps]):.0f} |")
        print(f"The first request of a bare HttpClient in a fresh process (no Qarion code): {first_http:.0f} ms.")

        # Issue 2: the client's upload against curl, and its memory.
        small = generate(os.path.join(work, "m10.json"), 10)
        warmup = generate(os.path.join(work, "warmup.json"), 1)
        large = generate(os.path.join(work, f"m{a.client_mb}.json"), a.client_mb)
        client, checked, curl, rss, server_cpu = {}, {}, {}, {}, []
        checking = dict(ENV, QARION_BENCH_CHECK="true")
        for name, path in (("10 MB", small), (f"{a.client_mb} MB", large)):
            client[name], checked[name], curl[name], rss[name] = [], [], [], []
            for _ in range(a.runs):
                before = cpu_seconds(SERVER_PID)
                curl[name].append(curl_upload(URL, connector, path))
                server_cpu.append((name, cpu_seconds(SERVER_PID) - before))
                out = json.loads(run(["dotnet", BENCH, "upload", URL, SPACE, connector, path, warmup]).stdout)
                client[name].append(out["seconds"])
                rss[name].append(out["peak_rss_kb"])
                checked[name].append(json.loads(run(["dotnet", BENCH, "upload", URL, SPACE, connector, path, warmup], env=checking).stdout)["seconds"])
        print("\n## Client upload (Qarion.Client.UploadDbtManifestAsync after a 1 MB warm-up) vs curl -F")
        print("| file | curl s | client s | client/curl | client checked + XXH64 (as the task sends) s | checked/curl | client peak RSS |")
        print("|---|---|---|---|---|---|---|")
        for name in client:
            c, k, v = median(client[name]), median(curl[name]), median(checked[name])
            print(f"| {name} | {k:.3f} | {c:.3f} | {c / k:.2f}x | {v:.3f} | {v / k:.2f}x | {median(rss[name]) / 1024:.1f} MiB |")
        growth = (median(rss[f'{a.client_mb} MB']) - median(rss['10 MB'])) / 1024
        print(f"Peak RSS growth 10 MB -> {a.client_mb} MB: {growth:.1f} MiB; "
              f"CPU the local server spends receiving {a.client_mb} MB from curl: {median([c for n, c in server_cpu if n != '10 MB']):.2f} s (of the machine's {os.cpu_count()} cores).")

        # Issue 3 (a): an up-to-date build against the same project without the package.
        plain = consumer(os.path.join(work, "plain"), feed, version, small, with_package=False)
        packaged = consumer(os.path.join(work, "packaged"), feed, version, small)
        build(packaged)  # uploads once and writes the stamp
        with_pkg, without = [], []
        for _ in range(a.runs + 2):
            with_pkg.append(build(packaged)[0])
            without.append(build(plain)[0])
        print("\n## dotnet build with the package, manifest unchanged (stamp present) vs without the package")
        print(f"with: {median(with_pkg):.3f} s, without: {median(without):.3f} s, ratio {median(with_pkg) / median(without):.2f}x (target <= 1.10x)")

        # Issue 3 (b): the time an upload adds to a build, against curl sending the same file.
        mid = generate(os.path.join(work, f"m{a.build_mb}.json"), a.build_mb)
        shutil.copyfile(mid, os.path.join(packaged, "target", "manifest.json"))
        up, off, k, costs = [], [], [], []
        for _ in range(a.runs):
            up.append(build(packaged, "QarionForceUpload=true")[0])
            off.append(build(packaged, "QarionUploadEnabled=false")[0])
            k.append(curl_upload(URL, connector, mid, costs))
        added, curl_wall = median(up) - median(off), median(k)
        curl_cpu, server_cpu = median([c for c, _ in costs]), median([s for _, s in costs])
        print(f"\n## {a.build_mb} MB manifest: time the upload adds to dotnet build vs curl -F")
        print(f"build with upload {median(up):.3f} s, upload disabled {median(off):.3f} s: added {added:.3f} s; "
              f"curl {curl_wall:.3f} s; ratio {added / curl_wall:.2f}x (target <= 1.3x, whole-file check included)")
        # What no checking client can beat here: curl's upload already keeps the cores busy (curl + server CPU),
        # so the CPU a build adds (the HTTP stack's first request, the check, the hash) can at best be spread
        # over the cores: the wall time is at least all that CPU divided by the cores.
        cores = os.cpu_count()
        check_s, hash_s, http_s = a.build_mb / check_rate, a.build_mb / hash_rate, first_http / 1000
        def floor(*extra):
            return (curl_cpu + server_cpu + sum(extra)) / cores
        print(f"During curl's upload: curl {curl_cpu:.2f} s + server {server_cpu:.2f} s of CPU in {curl_wall:.2f} s = "
              f"{(curl_cpu + server_cpu) / curl_wall:.2f} of {cores} cores busy. Perfectly spread over the cores, a build's upload that "
              f"adds a first request ({http_s:.2f} s) and the check ({check_s:.2f} s at {check_rate:.0f} MB/s) takes at least "
              f"{floor(http_s, check_s):.3f} s = {floor(http_s, check_s) / curl_wall:.2f}x curl; with the XXH64 the stamp records "
              f"({hash_s:.2f} s at {hash_rate:.0f} MB/s), {floor(http_s, check_s, hash_s):.3f} s = {floor(http_s, check_s, hash_s) / curl_wall:.2f}x curl.")

        # Issue 3 (c): peak memory of the build process, 10 MB against a 1 GB manifest.
        big = generate(os.path.join(work, f"m{a.memory_mb}.json"), a.memory_mb)
        peaks = {}
        for name, path in (("10 MB", small), (f"{a.memory_mb} MB", big)):
            shutil.copyfile(path, os.path.join(packaged, "target", "manifest.json"))
            peaks[name] = median([build(packaged, "QarionForceUpload=true")[1] for _ in range(3)])
        print(f"\n## Peak RSS of the dotnet build process (force upload)")
        for name, kb in peaks.items():
            print(f"{name}: {kb / 1024:.1f} MiB")
        print(f"growth: {(peaks[f'{a.memory_mb} MB'] - peaks['10 MB']) / 1024:.1f} MiB (target: flat, within a few buffers)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
