"""micrograd's demo loss, as its notebook builds it: MLP(2, [16, 16, 1]) on the moons points,
a hinge loss per point, their mean, and L2 regularisation with alpha 1e-4; from the points
and starting weights in shared/data beside the checkout (../shared/data from its root)."""

import csv
import json
import os
from pathlib import Path


def data_folder():
    repo = Path(os.environ.get("MGVIZ_REPO") or Path(__file__).resolve().parents[2])
    return repo.parent / "shared" / "data"


def points():
    """The moons points: (x, y, label), label -1 or 1."""
    with open(data_folder() / "moons.csv", encoding="utf-8") as f:
        return [(float(row["x"]), float(row["y"]), float(row["label"])) for row in csv.DictReader(f)]


def starting_parameters():
    with open(data_folder() / "mlp_2_16_16_1_init.json", encoding="utf-8") as f:
        return json.load(f)["parameters"]


class Loss:
    """The demo's loss over some points, backpropagated: `total` (`data_loss + reg_loss`),
    the `model`, each example's `inputs` (two Values) and `score`, by point; `order`, the
    points in the order the loss adds them up. `backward` is micrograd's, or None to leave
    the grads as they are."""

    def __init__(self, Value, MLP, count=100, sizes=(16, 16, 1), parameters=None, order=None,
                 backward=lambda total: total.backward()):
        self.model = MLP(2, list(sizes))
        if parameters is None and list(sizes) == [16, 16, 1]:
            parameters = starting_parameters()
        for p, value in zip(self.model.parameters(), parameters or []):
            p.data = value
        rows = points()[:count]
        self.inputs = [[Value(x), Value(y)] for x, y, _ in rows]
        self.scores = list(map(self.model, self.inputs))
        self.labels = [label for _, _, label in rows]
        losses = [(1 + -label * score).relu() for label, score in zip(self.labels, self.scores)]
        # The examples as the loss adds them up: in point order, unless told otherwise.
        self.order = list(range(count)) if order is None else list(order)
        self.data_loss = sum(losses[k] for k in self.order) * (1.0 / len(losses))
        self.reg_loss = 1e-4 * sum((p * p for p in self.model.parameters()))
        self.total = self.data_loss + self.reg_loss
        if backward is not None:
            backward(self.total)
