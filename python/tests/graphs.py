"""Graphs for the determinism tests, built with the PyPI micrograd and with the notebook's
Value. Each Value created is recorded, so that the order its _prev set iterates in can be
compared between runs; `salt` sets every Value's hash, and with it that order.

micrograd's own backward() sorts the graph by walking those sets, so the order in which it
adds up a grad, and with it the grad's last bits, follows set order too. These graphs are
backpropagated in creation order instead (`backward` below), so that their values are the
same whatever the salt, and only the order of the sets varies."""

import random

from micrograd import engine, nn

import demo
import notebook


def backward(root):
    """micrograd's backward, with the Values taken in reverse creation order."""
    reached = {id(root): root}
    stack = [root]
    while stack:
        for child in stack.pop()._prev:
            if id(child) not in reached:
                reached[id(child)] = child
                stack.append(child)
    values = sorted(reached.values(), key=lambda value: value.serial)
    for value in values:
        value.grad = 0.0
    root.grad = 1.0
    for value in reversed(values):
        value._backward()


def record_into(cls, created, salt):
    """Makes cls number its Values in `created` and hash them by salt and number; returns
    the __init__ to put back."""
    original = cls.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.serial = len(created)
        created.append(self)
    cls.__init__ = __init__
    cls.__hash__ = lambda self: hash("%s/%d" % (salt, self.serial))
    return original


def build(salt):
    """{name: (root, trace keywords)} and the set-order signature of all the Values made."""
    created = []
    classes = [engine.Value]

    def record(cls):
        return record_into(cls, created, salt)

    originals = [record(engine.Value)]
    try:
        V = engine.Value
        graphs = {}

        # Alike from below before backward: p and q, then u and w; p is used twice.
        p, q = V(1.0), V(1.0)
        u, w = p ** 2, q ** 2
        graphs["ties"] = ((u + w) * p, {})
        # Alike from above and below: either order is the same document.
        two = V(2.0) * V(2.0)
        backward(two)
        graphs["twins"] = (two, {})
        a, b = V(1.0), V(1.0)
        graphs["a+b then *a"] = ((a + b) * a, {})
        # Symmetric as a whole, but once one of s's operands is taken first, the other
        # sum's operand is no longer free: (s + a) + (s + b) with s = a + b.
        a, b = V(2.0), V(2.0)
        s = a + b
        graphs["symmetric"] = ((s + a) + (s + b), {})
        # Many alike products, each free to swap its operands.
        total = V(0.0)
        for _ in range(50):
            total = total + V(2.0) * V(2.0)
        graphs["twins, many"] = (total, {})
        c = V(3.0)
        d = c * c
        graphs["a*a b+b"] = (d + d, {"names": {"c": c}})

        random.seed(1337)
        model = nn.MLP(2, [16, 16, 1])
        x = [V(2.0), V(-1.0)]
        loss = (model(x) - 1) ** 2
        backward(loss)
        graphs["mlp"] = (loss, {"parameters": model.parameters(), "names": {"x0": x[0], "x1": x[1]}})
        untrained = (nn.MLP(3, [4, 4, 1])([V(1.0), V(1.0), V(1.0)]) - 1) ** 2   # all grads 0
        graphs["mlp before backward"] = (untrained, {})
        # A batch: the demo's loss on 6 points, with a smaller model.
        batch = demo.Loss(V, nn.MLP, count=6, sizes=(4, 4, 1), parameters=[0.5, -0.25, 0.125] * 20, backward=backward)
        graphs["batch"] = (batch.total, {"model": batch.model})

        # The notebook's softmax, with the notebook's Value.
        namespace = {}
        notebook.run_cell(notebook.find_cell("class Value"), namespace)
        classes.append(namespace["Value"])
        originals.append(record(namespace["Value"]))
        notebook.run_cell(notebook.find_cell("def softmax"), namespace)
        backward(namespace["loss"])
        graphs["softmax"] = (namespace["loss"], {"title": "softmax"})
    finally:
        for cls, original in zip(classes, originals):
            cls.__init__ = original
            del cls.__hash__
    signature = tuple(tuple(child.serial for child in value._prev) for value in created)
    return graphs, signature


def random_programs(count, salt):
    """Small programs that tie a lot: leaves all Value(1.0), ops on any earlier Value, a
    third of them backpropagated. The same count gives the same programs, whatever the salt."""
    created = []
    original = record_into(engine.Value, created, salt)
    try:
        V = engine.Value
        roots = []
        for seed in range(count):
            r = random.Random(seed)
            pool = [V(1.0) for _ in range(r.randint(1, 8))]
            for _ in range(r.randint(1, 25)):
                op = r.choice("+++***rp")
                a = r.choice(pool)
                if op == "+":
                    v = a + r.choice(pool + [1.0])
                elif op == "*":
                    v = a * r.choice(pool + [1.0])
                elif op == "r":
                    v = a.relu()
                else:
                    v = a ** 2
                pool.append(v)
            root = pool[-1]
            for v in pool[:-1]:
                if r.random() < 0.3:
                    root = root * v if r.random() < 0.5 else root + v
            if r.random() < 0.3:
                backward(root)
            roots.append(root)
    finally:
        engine.Value.__init__ = original
        del engine.Value.__hash__
    return roots
