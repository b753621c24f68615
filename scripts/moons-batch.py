"""Writes samples/moons_batch.json, the micrograd demo notebook's total loss as one mgviz
spec (MLP(2, [16, 16, 1]) with the shared starting weights on the 100 moons points, hinge
loss, the mean, L2 with alpha 1e-4), and samples/moons_batch.reference.json, what Python
micrograd (PyPI, 0.1.0) computes for it: the three losses and every parameter's grad, in
`model.parameters()` order. The tests hold mgviz's numbers to these.

Usage: python3 scripts/moons-batch.py [SHARED_DATA_FOLDER]
(run with a Python that has micrograd, e.g. the venv scripts/python-test.sh makes)."""
import csv
import json
import os
import sys

from micrograd.engine import Value
from micrograd.nn import MLP

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data")
with open(os.path.join(data, "moons.csv")) as f:
    rows = [(float(r["x"]), float(r["y"]), float(r["label"])) for r in csv.DictReader(f)]
with open(os.path.join(data, "mlp_2_16_16_1_init.json")) as f:
    init = json.load(f)

ALPHA = 1e-4
spec = {
    "title": "micrograd's demo: MLP(2, [16, 16, 1]) on 100 moons points, hinge loss, L2 1e-4",
    "mlp": {"sizes": [2, 16, 16, 1], "activation": "relu", "parameters": init["parameters"]},
    "batch": {
        "inputs": [[x, y] for x, y, _ in rows],
        "targets": [label for _, _, label in rows],
        "loss": "hinge",
        "reduction": "mean",
        "alpha": ALPHA,
    },
}

# The demo notebook's loss, as it builds it.
model = MLP(2, [16, 16, 1])
for p, v in zip(model.parameters(), init["parameters"]):
    p.data = v
inputs = [list(map(Value, (x, y))) for x, y, _ in rows]
scores = list(map(model, inputs))
losses = [(1 + -label * score).relu() for (_, _, label), score in zip(rows, scores)]
data_loss = sum(losses) * (1.0 / len(losses))
reg_loss = ALPHA * sum((p * p for p in model.parameters()))
total_loss = data_loss + reg_loss
total_loss.backward()
reference = {
    "total_loss": total_loss.data,
    "data_loss": data_loss.data,
    "reg_loss": reg_loss.data,
    "grads": [p.grad for p in model.parameters()],
}


def write(path, document):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        json.dump(document, out, indent=1)
        out.write("\n")


write(os.path.join(root, "samples", "moons_batch.json"), spec)
write(os.path.join(root, "samples", "moons_batch.reference.json"), reference)
print("total_loss", repr(total_loss.data))
