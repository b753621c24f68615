"""The package needs only the standard library and Python 3.9."""

import ast
import sys
from pathlib import Path

import mgviz


def sources():
    return sorted(Path(mgviz.__file__).parent.glob("*.py"))


def test_python_3_9_syntax():
    assert [path.name for path in sources()] == ["__init__.py", "_bundle.py", "_command.py", "_errors.py", "_model.py", "_record.py", "_run.py", "_trace.py"]
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path), feature_version=(3, 9))
        for node in ast.walk(tree):
            assert not isinstance(node, getattr(ast, "Match", ())), "%s: match needs 3.10" % path.name
            # `X | Y` in an annotation is evaluated at definition time, which 3.9 cannot do.
            annotations = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                annotations = [a.annotation for a in node.args.args + node.args.kwonlyargs] + [node.returns]
            elif isinstance(node, ast.AnnAssign):
                annotations = [node.annotation]
            for annotation in annotations:
                for part in ast.walk(annotation) if annotation is not None else ():
                    assert not (isinstance(part, ast.BinOp) and isinstance(part.op, ast.BitOr)), path.name


def test_standard_library_only():
    stdlib = getattr(sys, "stdlib_module_names", None)
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert stdlib is None or top in stdlib, "%s imports %s" % (path.name, name)
