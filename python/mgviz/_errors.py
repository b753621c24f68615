"""The bridge's exceptions: one family, MgvizError, whose members are also the built-in
exception a Python programmer would expect for the same mistake."""

__all__ = ["MgvizError", "MgvizTypeError", "MgvizValueError", "MgvizNotFound", "MgvizFailed"]


class MgvizError(Exception):
    """Anything the bridge refuses or mgviz fails at. str() is one line in Python's terms.

    `node` and `path` say where in the traced graph a malformed Value is: the object, and
    the steps from the root to it as text (`loss -> the + node -> the * node`); both are None
    for an error about no node. `message`, `returncode`, `stderr` and `command` are set when
    the mgviz command ran and failed (see MgvizFailed), and None otherwise.
    """

    node = None
    path = None
    message = None
    returncode = None
    stderr = None
    command = None

    def __init__(self, text, **fields):
        super().__init__(text)
        for name, value in fields.items():
            setattr(self, name, value)


class MgvizTypeError(MgvizError, TypeError):
    """Something of the wrong type: a node's `_prev` that is not a collection of Values, a
    `data` or `grad` that is not a number (a str never is), a root that is not a Value, an
    unknown keyword, a flag given a value."""


class MgvizValueError(MgvizError, ValueError):
    """The right type with a wrong value: a number beyond a float's range, a cycle, one
    Value given two names, a graph with more nodes than `max_nodes=` allows for a layout
    (then its `max_nodes` is the limit and `format` the layout's: "svg", "png", ...)."""

    max_nodes = None
    format = None


class MgvizNotFound(MgvizError, FileNotFoundError):
    """The mgviz binary is not where MGVIZ says, or (without MGVIZ) not on PATH."""


class MgvizFailed(MgvizError, RuntimeError):
    """mgviz ran and failed. str() is its message in Python's terms (keywords for its
    options, and no word of the temporary input it was given); `message` is its own line
    (`mgviz: error: ...`), `returncode` its exit status, `stderr` all it wrote there,
    `command` what was run."""
