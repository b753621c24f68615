"""The measuring half of benchmarks/run.sh: runs each program as a whole process, interleaved
with its floor or anchor so that both see the same machine load, and prints one table of
medians and ratios. Peak memory is the child's own ru_maxrss, from wait4."""
import argparse
import os
import statistics
import subprocess
import sys
import time


# Every run is pinned to one core: the two cores of this shared machine differ by up to 1.6x
# (another tenant's load), so a ratio between runs that landed on different cores would
# measure the cores, not the programs.
CORE = str(os.cpu_count() - 1)


def run(command, stdout=subprocess.DEVNULL):
    """Wall seconds, peak RSS in bytes and standard output of one whole-process run."""
    start = time.perf_counter()
    process = subprocess.Popen(["taskset", "-c", CORE] + command, stdout=subprocess.PIPE if stdout is None else stdout)
    output = process.stdout.read() if stdout is None else b""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"benchmarks: {' '.join(command)} failed")
    return seconds, usage.ru_maxrss * 1024, output.decode()


def figure(output, key):
    """The number after `key` in a program's `key value` lines (the last one)."""
    values = [line.split()[1] for line in output.splitlines() if line.split()[:1] == [key]]
    return float(values[-1])


def row(name, ours, anchor, anchor_name, ratio, target):
    print(f"| {name} | {ours} | {anchor_name}: {anchor} | {ratio} | {target} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--floors", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    mgviz, bench = f"{args.bin}/mgviz", f"{args.bin}/mgviz-bench"
    python, here = sys.executable, os.path.dirname(os.path.abspath(__file__))
    work = args.work

    print("| figure | mgviz | floor or anchor | ratio | target |")
    print("| --- | --- | --- | --- | --- |")

    # The moons step: mgviz-bench's median over 100 steps, moons_floor's mean over 1,000,
    # Python micrograd's median over 3; each run several times, interleaved.
    swift, floor, py = [], [], []
    for k in range(5):
        swift.append(figure(run([bench, "moons", "--data", args.data, "--steps", "100"], None)[2], "seconds_per_step"))
        floor.append(figure(run([f"{args.floors}/moons_floor", args.data, "1000"], None)[2], "seconds_per_step"))
        if k < 3:
            py.append(figure(run([python, f"{here}/moons.py", "moons", "--data", args.data, "--steps", "3"], None)[2], "seconds_per_step"))
    s, f, p = statistics.median(swift), statistics.median(floor), statistics.median(py)
    row("moons step, 65,481 nodes", f"{s * 1e3:.3f} ms", f"{f * 1e6:.1f} µs", "moons_floor.c", f"**{s / f:.1f}x** the floor", "at most 30x")
    row("same", f"{s * 1e3:.3f} ms", f"{p:.3f} s", "Python micrograd", f"**{p / s:,.0f}x** faster", "at least 3,000x")

    memory = statistics.median(figure(run([bench, "memory"], None)[2], "bytes_per_node") for _ in range(3))
    py_memory = figure(run([python, f"{here}/moons.py", "memory"], None)[2], "bytes_per_node")
    row("memory per node, 1,000,000-node chain", f"{memory:.1f} B", f"{py_memory:.1f} B", "Python micrograd", f"1/{py_memory / memory:.1f}", "at most 24 B")

    # softmax to SVG, end to end, against gv_floor on the same DOT and draw_dot.
    dot = f"{work}/softmax.dot"
    run([mgviz, "samples/softmax.json", "-o", dot])
    times = {"mgviz": [], "gv_floor": [], "draw_dot": []}
    for k in range(args.runs):
        times["mgviz"].append(run([mgviz, "samples/softmax.json", "-o", f"{work}/mgviz.svg"])[0])
        times["gv_floor"].append(run([f"{args.floors}/gv_floor", dot, f"{work}/floor.svg"])[0])
        if k < max(5, args.runs // 3):
            times["draw_dot"].append(run([python, f"{here}/draw_dot.py", f"{work}/python"])[0])
    m, g, d = (statistics.median(times[name]) for name in ("mgviz", "gv_floor", "draw_dot"))
    row("`mgviz samples/softmax.json -o out.svg`", f"{m * 1e3:.1f} ms", f"{g * 1e3:.1f} ms", "gv_floor.c on the same DOT", f"**{m / g:.2f}x** the floor", "at most 1.3x")
    row("same", f"{m * 1e3:.1f} ms", f"{d * 1e3:.1f} ms", "draw_dot + python-graphviz", f"**{d / m:.1f}x** faster", "at least 10x")

    # A 1,000,000-term sum through the CLI, against writing as many bytes with fdatasync.
    spec = f"{work}/sum.json"
    with open(spec, "w") as out:
        out.write('{"inputs": {"x": 1.5}, "define": ["y = ' + " + ".join(["x"] * 1_000_000) + '"]}\n')
    for format in ("json", "dot"):
        target = f"{work}/out.{format}"
        ours, peaks, anchors = [], [], []
        for _ in range(5):
            seconds, peak, _ = run([mgviz, spec, "-o", target])
            ours.append(seconds)
            peaks.append(peak)
            size = os.path.getsize(target)
            anchors.append(run([python, f"{here}/write_anchor.py", f"{work}/anchor", str(size)])[0])
        o, a, peak = statistics.median(ours), statistics.median(anchors), statistics.median(peaks)
        row(f"1,000,000-term sum to .{format} ({size / 1e6:.0f} MB)", f"{o:.2f} s, {peak / 2**20:.0f} MB peak", f"{a:.2f} s", "the same bytes written with fdatasync", f"**{o / a:.1f}x**", "at most 3.5x, 64 MB")


if __name__ == "__main__":
    main()
