"""The `mgviz` command that installing the package puts on PATH: it runs the binary that
find_mgviz() names (MGVIZ, else the wheel's, else mgviz on PATH) in its place, with the same
arguments, so that its output, its status and its signals are the binary's own."""

import os
import sys

from ._bundle import environment
from ._errors import MgvizNotFound
from ._run import find_mgviz

# sysexits.h's EX_UNAVAILABLE (mgviz's statuses are sysexits'): there is no binary to run.
_UNAVAILABLE = 69


def main():
    try:
        binary = find_mgviz()
    except MgvizNotFound as error:
        sys.stderr.write("%s\n" % error)
        return _UNAVAILABLE
    try:
        os.execve(binary, [binary] + sys.argv[1:], environment(binary) or os.environ)
    except OSError as error:
        sys.stderr.write("mgviz: cannot run %s (%s)\n" % (binary, error.strerror or error))
        return _UNAVAILABLE
