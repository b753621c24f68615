"""The Python anchor: micrograd's moons demo from the shared weights, timed per step,
and the memory per node of a 1,000,000-node graph measured as mgviz-bench measures it."""
import argparse
import csv
import json
import resource
import statistics
import time

from micrograd.engine import Value
from micrograd.nn import MLP


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory_per_node(nodes):
    before = peak_rss_bytes()
    x, factor = Value(1.0), Value(1.000001)
    y = x
    for _ in range(nodes - 2):
        y = y * factor
    return (peak_rss_bytes() - before) / nodes


def moons(data, steps):
    with open(f"{data}/moons.csv") as f:
        rows = [(float(r["x"]), float(r["y"]), float(r["label"])) for r in csv.DictReader(f)]
    with open(f"{data}/mlp_2_16_16_1_init.json") as f:
        init = json.load(f)
    model = MLP(2, [16, 16, 1])
    for p, v in zip(model.parameters(), init["parameters"]):
        p.data = v
    seconds = []
    for k in range(steps):
        start = time.perf_counter()
        inputs = [[Value(x), Value(y)] for x, y, _ in rows]
        scores = list(map(model, inputs))
        losses = [(1 + -label * score).relu() for (_, _, label), score in zip(rows, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        accuracy = sum((label > 0) == (s.data > 0) for (_, _, label), s in zip(rows, scores)) / len(rows)
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        seconds.append(time.perf_counter() - start)
        print(f"step {k} loss {total.data!r} accuracy {accuracy}")
    print(f"seconds_per_step {statistics.median(seconds)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["moons", "memory"])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.what == "moons":
        moons(args.data, args.steps)
    else:
        print(f"bytes_per_node {memory_per_node(args.nodes)}")
