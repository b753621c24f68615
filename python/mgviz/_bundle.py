"""What the wheel carries (scripts/build-wheel.sh makes it): the mgviz binary, the Graphviz
libraries and plugins it draws with, and a font, in the package's _bundle folder. A package
installed from the sources (`pip install ./python`) has no _bundle: it runs the mgviz that
MGVIZ or PATH names."""

import os

_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bundle")
BINARY = os.path.join(_FOLDER, "bin", "mgviz")
# The file fontconfig reads unless FONTCONFIG_FILE or FONTCONFIG_PATH names another: the
# bundled libfontconfig is Debian's, which looks in /etc/fonts.
_SYSTEM_FONTS = "/etc/fonts/fonts.conf"
_OWN_FONTS = os.path.join(_FOLDER, "fonts", "fonts.conf")


def bundled_binary():
    """The binary the wheel carries, or None."""
    return BINARY if os.path.isfile(BINARY) and os.access(BINARY, os.X_OK) else None


def environment(binary):
    """The environment to run `binary` in, or None for this process's own. The bundled binary
    on a machine with no font configuration (a slim container) gets the wheel's: without a
    font, PNG and PDF would have no text. (SVG is laid out with Graphviz's own metrics.)"""
    if (binary != BINARY or os.path.exists(_SYSTEM_FONTS)
            or "FONTCONFIG_FILE" in os.environ or "FONTCONFIG_PATH" in os.environ):
        return None
    return dict(os.environ, FONTCONFIG_FILE=_OWN_FONTS)


def is_this_command(path):
    """Whether `path` is the `mgviz` command that pip installed for this package: a script
    that runs mgviz._command, which would look for the binary again, and so on forever."""
    try:
        with open(path, "rb") as script:
            start = script.read(4096)
    except OSError:
        return False
    return start.startswith(b"#!") and b"mgviz._command" in start
