"""Drawing through the mgviz command: draw() writes a file, show() returns an inline SVG."""

import os
import shutil
import subprocess
import sys
import tempfile

from ._trace import dump

__all__ = ["draw", "show", "Drawing", "MgvizError", "MgvizNotFound", "find_mgviz"]

_TRACE_KEYWORDS = ("names", "parameters", "title", "model")

INSTALL_HINT = (
    "Install it with scripts/install.sh from the mgviz repository (it puts mgviz in "
    "/usr/local/bin), or point the MGVIZ environment variable at the binary: "
    "MGVIZ=/path/to/mgviz."
)


class MgvizNotFound(FileNotFoundError):
    """The mgviz binary is not where MGVIZ says, or (without MGVIZ) not on PATH."""


class MgvizError(RuntimeError):
    """mgviz ran and failed. `message` is its one-line error (`mgviz: error: ...`),
    `returncode` its exit status, `stderr` all it wrote there, `command` what was run."""

    def __init__(self, message, returncode, stderr="", command=None):
        super().__init__("%s (exit status %d)" % (message, returncode))
        self.message = message
        self.returncode = returncode
        self.stderr = stderr
        self.command = command


def find_mgviz():
    """The mgviz binary's path: $MGVIZ if it is set, else `mgviz` on PATH."""
    configured = os.environ.get("MGVIZ")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise MgvizNotFound("mgviz: MGVIZ=%s is not an executable file. %s" % (configured, INSTALL_HINT))
    found = shutil.which("mgviz")
    if found is None:
        raise MgvizNotFound("mgviz: the mgviz command is not on PATH. %s" % INSTALL_HINT)
    return found


def draw(root, path, **options):
    """Draw `root`'s graph into `path` by running `mgviz DUMP -o path [options]`.

    `names`, `parameters`, `title` and `model` go to trace(); every other keyword is an mgviz option:
    `rankdir="TB"` gives `--rankdir TB`, `no_backward=True` gives `--no-backward`, and False
    or None leaves the option out. Returns `path`. Raises MgvizNotFound when there is no
    binary and MgvizError when mgviz fails.
    """
    path = os.fspath(path)
    trace_kwargs = {name: options.pop(name) for name in _TRACE_KEYWORDS if name in options}
    arguments = _arguments(options)
    binary = find_mgviz()
    with tempfile.TemporaryDirectory(prefix="mgviz-") as folder:
        graph = os.path.join(folder, "graph.json")
        dump(root, graph, **trace_kwargs)
        _run([binary, graph, "-o", path] + arguments)
    return path


def show(root, **options):
    """Draw `root`'s graph as SVG and return a Drawing, which Jupyter shows inline. Takes
    draw()'s keywords, except that the format is SVG."""
    fmt = options.pop("format", "svg")
    if fmt not in (None, "svg"):
        raise ValueError("mgviz.show draws SVG; use mgviz.draw(root, path, format=%r) for %s" % (fmt, fmt))
    with tempfile.TemporaryDirectory(prefix="mgviz-") as folder:
        out = os.path.join(folder, "graph.svg")
        draw(root, out, format="svg", **options)
        with open(out, encoding="utf-8") as f:
            return Drawing(f.read())


class Drawing:
    """An SVG diagram: Jupyter shows it inline (`_repr_svg_`), str() is the SVG text and
    save(path) writes it."""

    def __init__(self, svg):
        self.svg = svg

    def _repr_svg_(self):
        return self.svg

    def __str__(self):
        return self.svg

    def __repr__(self):
        return "<mgviz.Drawing: %d bytes of SVG>" % len(self.svg.encode("utf-8"))

    def save(self, path):
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write(self.svg)
        return path


def _arguments(options):
    arguments = []
    for name, value in options.items():
        if name in ("output", "o", "out_dir"):
            raise TypeError("mgviz: the output is draw()'s path argument, not the option %r" % name)
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            arguments.append(flag)
        else:
            arguments += [flag, str(value)]
    return arguments


def _run(command):
    try:
        result = subprocess.run(command, input=b"", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except (FileNotFoundError, PermissionError, NotADirectoryError) as error:
        raise MgvizNotFound("mgviz: cannot run %s (%s). %s" % (command[0], error, INSTALL_HINT)) from None
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        lines = [line for line in stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("mgviz: error:")]
        if errors:
            message = errors[0]
        elif lines:
            message = lines[-1]
        else:
            message = "mgviz exited with status %d and said nothing" % result.returncode
        raise MgvizError(message, result.returncode, stderr, command)
    # What mgviz says on success (--check's verdicts, a lowered PNG resolution) is passed on.
    if stdout:
        sys.stdout.write(stdout)
    if stderr:
        sys.stderr.write(stderr)
