#!/usr/bin/env python3
"""scripts/bench.py: the measurements of scripts/bench (which sets up and calls this).

For each N: creates N tmux sessions, N Docker and N Podman containers, then times, in one
run, interleaved (round after round over every command, after warm-up rounds), kstlib's
commands against the raw backend calls each needs and against kstlib 3.8.2 (upstream),
in three setups: Docker's socket only (no Podman on PATH), Docker's and Podman's sockets,
Podman without its socket. Prints medians, min and max, ratios, peak RSS and the numbers
of processes spawned and requests sent (from kstlib's own -vv log, which names each), then
checks the targets of the speed issue. Removes exactly what it created.

Environment: KSTLIB (our binary), UPSTREAM (kstlib 3.8.2's script), KSTLIB_TEST_IMAGE,
CONTAINERS_CONF; arguments: see --help.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

IMAGE = os.environ.get("KSTLIB_TEST_IMAGE", "kstlib-test/busybox:1")
KSTLIB = os.environ["KSTLIB"]
UPSTREAM = os.environ.get("UPSTREAM", "")
TRAP = "sh -c 'trap \"exit 0\" TERM; sleep 3600 & wait'"


def say(text):
    print(f"==> {text}", file=sys.stderr, flush=True)


class UnixHTTP(http.client.HTTPConnection):
    """An HTTP connection over a unix socket (the raw API calls, measured in-process)."""

    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def api_get(sock, path):
    conn = UnixHTTP(sock)
    conn.request("GET", path)
    body = conn.getresponse().read()
    conn.close()
    return body


def run_once(argv, env):
    """(milliseconds, peak RSS in KiB, exit code) of one run."""
    start = time.perf_counter_ns()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode


class Case:
    """One thing to time: a command line (or several, timed together), or an API call."""

    def __init__(self, group, label, steps=None, api=None, who="raw", runs=None):
        self.group, self.label, self.steps, self.api, self.who = group, label, steps, api, who
        self.runs = runs
        self.times, self.rss, self.codes = [], [], set()

    def once(self, env):
        if self.api:
            start = time.perf_counter_ns()
            self.api()
            self.times.append((time.perf_counter_ns() - start) / 1e6)
            return
        total, rss = 0.0, 0
        for argv in self.steps:
            ms, kib, code = run_once(argv, env)
            total += ms
            rss = max(rss, kib)
            self.codes.add(code)
        self.times.append(total)
        self.rss.append(rss)

    def median(self):
        return statistics.median(self.times) if self.times else float("nan")


def peak_rss(steps, env):
    """The peak RSS (KiB) of `steps`, each run under GNU time. (A child of this Python
    process would count Python's own pages: Linux keeps the largest RSS a process had,
    the forked parent's image before its exec included.)"""
    timer = shutil.which("time") or "/usr/bin/time"
    if not os.path.exists(timer):
        return None
    peak = 0
    for argv in steps:
        with tempfile.NamedTemporaryFile("r") as out:
            subprocess.run([timer, "-f", "%M", "-o", out.name] + argv, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            text = out.read().strip().splitlines()
            peak = max(peak, int(text[-1]) if text and text[-1].isdigit() else 0)
    return peak


def spawned_and_requests(steps, env):
    """Processes spawned and requests sent by our kstlib for `steps`, from its -vv log."""
    procs = reqs = 0
    for argv in steps:
        out = subprocess.run([argv[0], "-vv"] + argv[1:], env=env, capture_output=True, text=True)
        log = out.stderr
        procs += len(re.findall(r"DEBUG (running|streaming|interactive|exec): ", log))
        reqs += len(re.findall(r"DEBUG engine: (GET|POST|DELETE) ", log))
    return procs, reqs


def parallel(commands, workers=6):
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda argv: subprocess.run(argv, capture_output=True), commands))
    failed = [r for r in results if r.returncode != 0]
    if failed:
        raise SystemExit(f"setup failed: {failed[0].args}: {failed[0].stderr.decode()[:300]}")


class Fixture:
    """What one N creates, and removes."""

    def __init__(self, n, work):
        self.n, self.work = n, work
        self.prefix = f"kb{os.getpid()}n{n}"
        self.containers = {"docker": [], "podman": []}
        self.env = dict(os.environ)
        self.env.update(TMUX_TMPDIR=os.path.join(work, "t"), HOME=os.path.join(work, "home"),
                        XDG_RUNTIME_DIR=os.path.join(work, "xdg"), NO_COLOR="1")
        self.env.pop("CONTAINER_HOST", None)
        self.env.pop("TMUX", None)
        for d in ("t", "home", "xdg"):
            os.makedirs(os.path.join(work, d), exist_ok=True)
        self.service = None
        self.podman_sock = os.path.join(work, "podman.sock")

    def setup(self):
        n = self.n
        say(f"N={n}: {n} tmux sessions")
        args = ["tmux", "new-session", "-d", "-s", f"{self.prefix}-s0", "sleep", "3600"]
        for i in range(1, n):
            args += [";", "new-session", "-d", "-s", f"{self.prefix}-s{i}", "sleep", "3600"]
        subprocess.run(args, env=self.env, check=True)
        # One session of kstlib's own, with a log file of 2000 lines, for `logs`.
        subprocess.run([KSTLIB, "ops", "start", f"{self.prefix}-logs", "-c",
                        "sh -c 'seq 1 2000; exec sleep 3600'"], env=self.env, check=True,
                       stdout=subprocess.DEVNULL)
        for rt in ("docker", "podman"):
            say(f"N={n}: {n} {rt} containers")
            names = [f"{self.prefix}-{rt[0]}{i}" for i in range(n)]
            self.containers[rt] = names
            parallel([[rt, "run", "-d", "--name", name, IMAGE, "sh", "-c",
                       "seq 1 200; exec sleep 3600"] for name in names])
        say("starting Podman's API service on a socket of this run")
        self.service = subprocess.Popen(["podman", "system", "service", "--time=0",
                                         f"unix://{self.podman_sock}"], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while True:
            try:
                api_get(self.podman_sock, "/_ping")
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("podman's API service did not answer")
                time.sleep(0.05)

    def cleanup(self):
        for rt, names in self.containers.items():
            for i in range(0, len(names), 50):
                extra = ["-t", "0"] if rt == "podman" else []
                subprocess.run([rt, "rm", "-f", *extra, *names[i:i + 50]],
                               capture_output=True)
        for name in ("cycd", "cycp"):
            for rt in ("docker", "podman"):
                subprocess.run([rt, "rm", "-f", f"{self.prefix}-{name}"], capture_output=True)
        tdir = self.env["TMUX_TMPDIR"]
        for root, _, files in os.walk(tdir):
            for f in files:
                subprocess.run(["tmux", "-S", os.path.join(root, f), "kill-server"],
                               capture_output=True)
        if self.service:
            self.service.terminate()
            try:
                self.service.wait(10)
            except subprocess.TimeoutExpired:
                self.service.kill()


def no_podman_path(work):
    """A PATH with what kstlib and upstream need, without Podman."""
    bindir = os.path.join(work, "bin-no-podman")
    os.makedirs(bindir, exist_ok=True)
    for prog in ("tmux", "docker", "sh", "env", "sleep", "seq", "cat", "ls", "python3"):
        found = shutil.which(prog)
        if found and not os.path.exists(os.path.join(bindir, prog)):
            os.symlink(found, os.path.join(bindir, prog))
    kst = os.path.join(bindir, "kstlib")
    if not os.path.exists(kst):
        os.symlink(KSTLIB, kst)
    return bindir


def cases_for(setup, fx, args):
    """The commands of one setup: raw calls, ours, upstream's."""
    p = fx.prefix
    tm, d0, p0, logs = f"{p}-s0", f"{p}-d0", f"{p}-p0", f"{p}-logs"
    podman = setup != "docker-only"
    docker_sock = "/var/run/docker.sock"
    c = []
    raw = lambda label, argv: c.append(Case("raw", label, [argv]))  # noqa: E731
    raw("tmux list-sessions", ["tmux", "list-sessions"])
    raw("docker ps -a", ["docker", "ps", "-a"])
    raw("docker container inspect", ["docker", "container", "inspect", d0])
    raw("docker logs -n 100", ["docker", "logs", "-n", "100", d0])
    c.append(Case("raw", "Docker API list (in-process)",
                  api=lambda: api_get(docker_sock, "/v1.41/containers/json?all=true")))
    c.append(Case("raw", "Docker API inspect (in-process)",
                  api=lambda: api_get(docker_sock, f"/v1.41/containers/{d0}/json")))
    if podman:
        raw("podman ps -a", ["podman", "ps", "-a"])
        raw("podman container inspect", ["podman", "container", "inspect", p0])
        raw("podman logs", ["podman", "logs", p0])
        sock = fx.podman_sock
        c.append(Case("raw", "Podman API list (in-process)",
                      api=lambda: api_get(sock, "/v4.3.1/libpod/containers/json?all=true")))
        c.append(Case("raw", "Podman API inspect (in-process)",
                      api=lambda: api_get(sock, f"/v4.3.1/libpod/containers/{p0}/json")))

    def both(label, ours, theirs=None, runs=None):
        c.append(Case("ours", label, [[KSTLIB] + a for a in ours], who="ours"))
        if UPSTREAM and theirs is not None and not args.no_upstream:
            c.append(Case("upstream", label, [[UPSTREAM] + a for a in theirs], who="upstream",
                          runs=runs or args.upstream_runs))

    both("--version", [["--version"]], [["--version"]])
    both("list", [["ops", "list"]], [["ops", "list"]])
    both("list --json", [["ops", "list", "--json"]], [["ops", "list", "--json"]])
    both("status (tmux)", [["ops", "status", tm]], [["ops", "status", tm]])
    both("status (docker)", [["ops", "status", d0]], [["ops", "status", d0, "-b", "container"]]
         if not podman else None)
    if podman:
        both("status (podman)", [["ops", "status", p0]], [["ops", "status", p0, "-b", "container"]])
    both("logs -n 100 (tmux)", [["ops", "logs", logs, "-n", "100"]],
         [["ops", "logs", logs, "-n", "100"]])
    both("logs -n 100 (docker)", [["ops", "logs", d0, "-n", "100"]],
         [["ops", "logs", d0, "-n", "100", "-b", "container"]] if not podman else None)
    if podman:
        both("logs -n 100 (podman)", [["ops", "logs", p0, "-n", "100"]],
             [["ops", "logs", p0, "-n", "100", "-b", "container"]])
    cyc = f"{p}-cyc"
    both("start+stop (tmux)", [["ops", "start", cyc, "-c", "sleep 3600"], ["ops", "stop", cyc]],
         [["ops", "start", cyc, "-c", "sleep 3600"], ["ops", "stop", cyc]], runs=3)
    rt = "docker" if not podman else "podman"
    name = f"{p}-cyc{rt[0]}"
    both(f"start+stop ({rt})",
         [["ops", "start", name, "-b", "container", "-i", IMAGE, "-c", TRAP, "--runtime", rt],
          ["ops", "stop", name]],
         [["ops", "start", name, "-b", "container", "-i", IMAGE, "-c", TRAP],
          ["ops", "stop", name, "-b", "container"]], runs=3)
    return c


def measure(setup, fx, args):
    env = dict(fx.env)
    if setup == "docker-only":
        env["PATH"] = no_podman_path(fx.work)
    elif setup == "podman-socket":
        env["CONTAINER_HOST"] = f"unix://{fx.podman_sock}"
    cases = cases_for(setup, fx, args)
    say(f"N={fx.n}, {setup}: {len(cases)} commands, {args.warmup} warm-up + {args.runs} rounds")
    rounds = args.warmup + args.runs
    for r in range(rounds):
        for case in cases:
            wanted = case.runs if case.runs is not None else args.runs
            if r < args.warmup and case.who == "upstream":
                if r == 0:
                    case.once(env)
                    case.times.clear()
                    case.rss.clear()
                continue
            if r >= args.warmup and len(case.times) >= wanted:
                continue
            case.once(env)
            if r < args.warmup:
                case.times.clear()
                case.rss.clear()
    counts = {}
    for case in cases:
        if case.who == "ours":
            counts[case.label] = spawned_and_requests(case.steps, env) + (
                peak_rss(case.steps, env),)
    return cases, counts


def fmt(ms):
    return f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def report(setup, n, cases, counts):
    raw = {c.label: c for c in cases if c.who == "raw"}
    ours = {c.label: c for c in cases if c.who == "ours"}
    up = {c.label: c for c in cases if c.who == "upstream"}
    lines = [f"\n### N = {n}, {setup}\n",
             "| command | kstlib ms: median (min–max) | peak RSS | processes | requests "
             "| kstlib 3.8.2 ms: median (min–max) | 3.8.2 / ours |",
             "|---|---|---|---|---|---|---|"]
    for label, c in ours.items():
        procs, reqs, rss = counts.get(label, (0, 0, None))
        shown_rss = f"{rss / 1024:.1f} MB" if rss else "n/a"
        u = up.get(label)
        theirs = f"{fmt(u.median())} ({fmt(min(u.times))}–{fmt(max(u.times))})" if u else "–"
        ratio = f"{u.median() / c.median():.0f}×" if u else "–"
        lines.append(f"| {label} | {fmt(c.median())} ({fmt(min(c.times))}–{fmt(max(c.times))}) "
                     f"| {shown_rss} | {procs} | {reqs} | {theirs} | {ratio} |")
    lines += ["", "| raw call | ms: median (min–max) |", "|---|---|"]
    for label, c in raw.items():
        lines.append(f"| {label} | {fmt(c.median())} ({fmt(min(c.times))}–{fmt(max(c.times))}) |")
    lines.append("")
    lines += targets(setup, raw, ours, up, counts)
    return "\n".join(lines)


def targets(setup, raw, ours, up, counts):
    """The issue's targets for this setup, each with its numbers."""
    out = []

    def check(what, value, limit, unit="×"):
        ok = value <= limit
        out.append(f"- {'met' if ok else 'MISSED'}: {what}: {value:.2f}{unit} (target ≤ {limit}{unit})")

    m = lambda table, label: table[label].median() if label in table else None  # noqa: E731
    if setup == "docker-only":
        check("list / docker ps -a", m(ours, "list") / m(raw, "docker ps -a"), 0.5)
        check("status (docker) / docker container inspect",
              m(ours, "status (docker)") / m(raw, "docker container inspect"), 0.5)
    if setup == "podman-socket":
        for label in ("status (tmux)", "status (docker)", "status (podman)"):
            check(f"{label} / docker container inspect",
                  m(ours, label) / m(raw, "docker container inspect"), 0.5)
        check("list / Podman API list", m(ours, "list") / m(raw, "Podman API list (in-process)"), 1.1)
    if setup == "podman-cli":
        needs = {
            "list": ["tmux list-sessions", "docker ps -a", "podman ps -a"],
            "list --json": ["tmux list-sessions", "docker ps -a", "podman ps -a"],
            "status (tmux)": ["tmux list-sessions", "docker container inspect", "podman container inspect"],
            "status (docker)": ["tmux list-sessions", "docker container inspect", "podman container inspect"],
            "status (podman)": ["tmux list-sessions", "docker container inspect", "podman container inspect"],
            "logs -n 100 (podman)": ["podman container inspect", "podman logs"],
            "logs -n 100 (docker)": ["podman container inspect", "docker logs -n 100"],
        }
        for label, calls in needs.items():
            slowest = max(m(raw, call) for call in calls)
            check(f"{label} / slowest raw call it needs", m(ours, label) / slowest, 1.1)
    if setup in ("docker-only", "podman-socket"):
        check("status (tmux) / tmux list-sessions",
              m(ours, "status (tmux)") / m(raw, "tmux list-sessions"), 1.5)
    for label, u in up.items():
        if label in ours:
            speedup = u.median() / ours[label].median()
            ok = speedup >= 50
            out.append(f"- {'met' if ok else 'MISSED'}: {label}: {speedup:.0f}× faster than "
                       f"kstlib 3.8.2 (target ≥ 50×)")
    check("kstlib --version", m(ours, "--version"), 5, " ms")
    # Under GNU time the peak includes the programs kstlib ran (a Podman CLI alone takes
    # more than 15 MB): the target is checked on the commands that ran none.
    peaks = [rss for procs, _, rss in counts.values() if rss and procs == 0]
    if peaks:
        check("peak RSS of the commands that spawn nothing", max(peaks) / 1024, 15, " MB")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,200", help="the Ns, comma-separated")
    parser.add_argument("--runs", type=int, default=11, help="timed rounds (ours, raw)")
    parser.add_argument("--upstream-runs", type=int, default=5, help="timed runs of 3.8.2")
    parser.add_argument("--warmup", type=int, default=2, help="rounds before timing")
    parser.add_argument("--no-upstream", action="store_true", help="skip kstlib 3.8.2")
    parser.add_argument("--setups", default="docker-only,podman-socket,podman-cli")
    args = parser.parse_args()
    print(f"# kstlib benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {os.cpu_count()} cores, load before: {os.getloadavg()[0]:.2f}; "
          f"{subprocess.run(['tmux', '-V'], capture_output=True, text=True).stdout.strip()}; "
          f"docker {subprocess.run(['docker', 'version', '--format', '{{.Server.Version}}'], capture_output=True, text=True).stdout.strip()}; "
          f"{subprocess.run(['podman', '--version'], capture_output=True, text=True).stdout.strip()}")
    for n in [int(x) for x in args.sizes.split(",")]:
        work = tempfile.mkdtemp(prefix="kb")
        fx = Fixture(n, work)
        try:
            fx.setup()
            for setup in args.setups.split(","):
                cases, counts = measure(setup, fx, args)
                print(report(setup, n, cases, counts), flush=True)
        finally:
            say(f"N={n}: removing what this run created")
            fx.cleanup()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
