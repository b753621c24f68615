"""The same program gives the same document, whatever order micrograd's _prev sets iterate
in: across PYTHONHASHSEED values, and across hashes salted in-process."""

import os
import subprocess
import sys
from pathlib import Path

import graphs
import mgviz

SCRIPT = """
import sys
sys.path.insert(0, %r)
import graphs, mgviz
built, signature = graphs.build(salt="seeded")
out = sys.stdout.buffer
for name in sorted(built):
    root, options = built[name]
    out.write(("== %%s\\n" %% name).encode())
    out.write(mgviz.dumps(root, **options).encode("utf-8"))
out.write(("== set order %%r\\n" %% (hash(signature),)).encode())
"""


def test_across_pythonhashseed_values(tmp_path):
    script = tmp_path / "trace_graphs.py"
    script.write_text(SCRIPT % str(Path(graphs.__file__).parent), encoding="utf-8")
    outputs = []
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONDONTWRITEBYTECODE="1")
        result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, cwd=str(tmp_path))
        assert result.returncode == 0, result.stderr.decode()
        documents, _, set_order = result.stdout.rpartition(b"== set order ")
        outputs.append((documents, set_order))
    # The seeds did change the order the sets iterate in...
    assert len({set_order for _, set_order in outputs}) == 3
    # ...and not one byte of the documents.
    assert outputs[0][0] == outputs[1][0] == outputs[2][0]
    assert outputs[0][0].count(b'"format": "mgviz-graph"') == 10


def test_across_salted_hashes():
    reference, reference_signature = graphs.build(salt=0)
    expected = {name: mgviz.dumps(root, **options) for name, (root, options) in reference.items()}
    signatures = {reference_signature}
    for salt in range(1, 12):
        built, signature = graphs.build(salt=salt)
        signatures.add(signature)
        for name, (root, options) in built.items():
            assert mgviz.dumps(root, **options) == expected[name], name
    assert len(signatures) == 12


def test_the_tied_graphs():
    built, _ = graphs.build(salt=0)
    ties = mgviz.trace(built["ties"][0])
    # (p**2 + q**2) * p: p, used twice, is told from q by its users.
    shape = [(n["op"], n["data"]) for n in ties["nodes"]]
    assert sorted(shape) == sorted([("", 1.0), ("", 1.0), ("**2", 1.0), ("**2", 1.0), ("+", 2.0), ("*", 2.0)])
    assert len(ties["edges"]) == 6
    twins = mgviz.trace(built["twins"][0])
    assert [(n["kind"], n["data"], n["grad"]) for n in twins["nodes"]] == [
        ("constant", 2.0, 2.0), ("constant", 2.0, 2.0), ("op", 4.0, 1)]
    assert [(e["from"], e["to"]) for e in twins["edges"]] == [("n0", "n2"), ("n1", "n2")]


def test_random_tie_heavy_programs():
    programs = 400
    expected = [mgviz.dumps(root) for root in graphs.random_programs(programs, salt=0)]
    for salt in (1, 2, 3):
        assert [mgviz.dumps(root) for root in graphs.random_programs(programs, salt)] == expected
