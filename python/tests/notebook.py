"""The exercises notebook's code, read from shared/seed/micrograd_exercises.ipynb.

The seed copy of the notebook has lost its indentation: every run of spaces in the file,
the code's included, was collapsed to one, so each indented line starts with a single
space. `reindent` puts the block structure back, and the tests then check that the cells
print exactly what the notebook recorded, so a wrong guess cannot pass unnoticed.
"""

import contextlib
import io
import json
import os
import tokenize
from pathlib import Path

# Lines whose place the structure cannot tell, with the block header they belong under:
# micrograd's build_topo appends v after its loop over the children, inside the `if`.
BELONGS_UNDER = {"topo.append(v)": "if v not in visited:"}

CLOSES_BLOCK = ("return", "pass", "raise", "continue", "break")


def notebook_path():
    """$MGVIZ_NOTEBOOK, or shared/seed/micrograd_exercises.ipynb beside the repo
    (../shared from its root), where CI lays it."""
    configured = os.environ.get("MGVIZ_NOTEBOOK")
    if configured:
        return Path(configured)
    repo = Path(os.environ.get("MGVIZ_REPO") or Path(__file__).resolve().parents[2])
    return repo.parent / "shared" / "seed" / "micrograd_exercises.ipynb"


def code_cells():
    path = notebook_path()
    if not path.is_file():
        raise FileNotFoundError("the exercises notebook is not at %s (set MGVIZ_NOTEBOOK)" % path)
    with open(path, encoding="utf-8") as f:
        notebook = json.load(f)
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def cell_source(cell):
    return "".join(cell["source"])


def cell_output(cell):
    return "".join("".join(output.get("text", [])) for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream")


def find_cell(needle):
    cells = [cell for cell in code_cells() if needle in cell_source(cell)]
    assert len(cells) == 1, "expected one code cell with %r, found %d" % (needle, len(cells))
    return cells[0]


def _opens_block(code):
    """Whether a line of code ends with a `:` that opens a block (comments aside)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return code.rstrip().endswith(":")
    significant = [t for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NEWLINE, tokenize.NL,
                                                       tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT)]
    return bool(significant) and significant[-1].type == tokenize.OP and significant[-1].string == ":"


def reindent(source, unit="    "):
    """The cell's code with its indentation put back: a line after a block header goes one
    level in; `return`, `pass`, `raise`, `continue` and `break` end their block; a blank
    line ends a function defined inside another function; a `def` taking `self` is a method
    of the innermost class; BELONGS_UNDER places the rest."""
    open_blocks = []          # the header lines of the open blocks, outermost first
    after_blank = False
    out = []
    for raw in source.split("\n"):
        line = raw.strip()
        if not line:
            out.append("")
            after_blank = True
            continue
        if line.startswith("#"):
            out.append(unit * len(open_blocks) + line)
            continue
        if line.split(" ")[0] in ("else:", "elif", "except", "except:", "finally:"):
            raise ValueError("reindent cannot place %r" % line)
        if after_blank:
            defs = [k for k, header in enumerate(open_blocks) if header.startswith("def ")]
            if len(defs) >= 2:
                del open_blocks[defs[-1]:]
        after_blank = False
        if line.startswith("def ") and "(self" in line:
            # A method: in the body of the innermost open class.
            classes = [k for k, header in enumerate(open_blocks) if header.startswith("class ")]
            assert classes, "reindent: the method %r is in no class" % line
            del open_blocks[classes[-1] + 1:]
        if line in BELONGS_UNDER:
            header = BELONGS_UNDER[line]
            while open_blocks and open_blocks[-1] != header:
                open_blocks.pop()
            assert open_blocks, "reindent: %r is under no %r" % (line, header)
        out.append(unit * len(open_blocks) + line)
        if _opens_block(line):
            open_blocks.append(line)
        elif line.split(" ")[0] in CLOSES_BLOCK and open_blocks:
            open_blocks.pop()
    return "\n".join(out)


def run_cell(cell, namespace):
    """Runs a cell's reindented code in namespace; returns what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(reindent(cell_source(cell)), "<notebook cell>", "exec"), namespace)
    return printed.getvalue()


def softmax_namespace():
    """Section 2 of the notebook run with its own Value class: the namespace it leaves
    (Value, logits, probs, loss, ...) and what the softmax cell printed."""
    namespace = {}
    run_cell(find_cell("class Value"), namespace)
    cell = find_cell("def softmax")
    printed = run_cell(cell, namespace)
    return namespace, printed, cell_output(cell)
