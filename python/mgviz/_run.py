"""Drawing through the mgviz command: draw() writes a file, show() returns the page or SVG, inline.

mgviz reads the traced graph on its standard input, so no temporary file's name can reach a
message, and takes each option as one `--name=value` argument, so that no value (an output
named `-x.svg`, a focus of `-o`, a value with spaces or `=`) can be read as an option. What
mgviz says is put back in draw()'s terms, through one table of its options (_OPTIONS).
"""

import difflib
import html as _html
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

from ._bundle import bundled_binary, environment, is_this_command
from ._errors import MgvizFailed, MgvizNotFound, MgvizTypeError, MgvizValueError
from ._trace import NodeLimit, _shown, document_text, traced

__all__ = ["draw", "show", "diff", "Drawing", "Page", "Difference", "find_mgviz"]

_TRACE_KEYWORDS = ("names", "parameters", "title", "model")

INSTALL_HINT = (
    "Install the mgviz wheel, which carries it (pip install mgviz-*.whl; scripts/build-wheel.sh "
    "in the mgviz repository makes it), or build it with scripts/install.sh from the repository "
    "(it puts mgviz in /usr/local/bin), or point the MGVIZ environment variable at the binary: "
    "MGVIZ=/path/to/mgviz."
)

# What an option takes: nothing (a flag: True gives it), a number, any text, or else the
# tuple of its choices.
_FLAG, _NUMBER, _TEXT = "flag", "number", "text"


class _Option:
    """An option of the mgviz command as draw() takes it: `keyword=value`, or for the few
    the bridge gives itself, no keyword, a `refusal` saying why, and what messages call the
    option instead (`spoken`)."""

    def __init__(self, values, keyword=None, spoken=None, refusal=None):
        self.values = values
        self.keyword = keyword
        self.spoken = spoken
        self.refusal = refusal


def _options(*entries):
    """The table, each spelling of each option to its _Option; and each name a caller might
    give as a keyword to the option's long spelling: `max_nodes`, and for the options the
    bridge gives itself (refused) `output`, `o`, `out_dir`, ... An option with a keyword gets
    it from its long spelling (`--max-nodes` is `max_nodes=`)."""
    table, spelling_of = {}, {}
    for spellings, option in entries:
        if option.refusal is None:
            option.keyword = spellings[-1][2:].replace("-", "_")
        for spelling in spellings:
            table[spelling] = option
            spelling_of[spelling.lstrip("-").replace("-", "_")] = spellings[-1]
    return table, spelling_of


# Every option `mgviz --help` lists (tests/test_options.py holds the two to each other, so a
# new option cannot be left out): the one place that says how draw() spells them.
_OPTIONS, _SPELLING_OF = _options(
    (("--out-dir",), _Option(_TEXT, spoken="a path inside",
                             refusal="draw() writes the one file its path argument names")),
    (("-o", "--output"), _Option(_TEXT, spoken="draw()'s path",
                                 refusal="the output is draw()'s path argument (show() returns the SVG)")),
    (("--format",), _Option(("svg", "png", "pdf", "dot", "json", "html", "txt"))),
    (("--input-format",), _Option(("json", "mg"), spoken="the input's format",
                                  refusal="mgviz reads the traced graph, which is JSON")),
    (("--rankdir",), _Option(("LR", "TB"))),
    (("--precision",), _Option(_NUMBER)),
    (("--no-backward",), _Option(_FLAG)),
    (("--color",), _Option(("kind", "grad"))),
    (("--theme",), _Option(("light", "dark", "auto"))),
    (("--check",), _Option(_FLAG)),
    (("--explain",), _Option(_FLAG)),
    (("--notation",), _Option(("code", "symbols"))),
    (("--steps",), _Option(("ops", "all"))),
    (("--quiz",), _Option(_FLAG)),
    (("--step",), _Option(_NUMBER)),
    (("--method",), _Option(("forward", "central"))),
    (("--tolerance",), _Option(_NUMBER)),
    (("--collapse",), _Option(("neurons", "layers", "calls"))),
    (("--batch",), _Option(("plate", "all"))),
    (("--example",), _Option(_NUMBER)),
    (("--focus",), _Option(_TEXT)),
    (("--depth",), _Option(_NUMBER)),
    (("--only-changed",), _Option(_FLAG)),
    (("--dead-steps",), _Option(_NUMBER)),
    (("--vanishing-ratio",), _Option(_NUMBER)),
    (("--exploding-factor",), _Option(_NUMBER)),
    (("--max-nodes",), _Option(_NUMBER)),
    (("--max-layout-seconds",), _Option(_NUMBER)),
    (("--dpi",), _Option(_NUMBER)),
    (("--version",), _Option(_FLAG, spoken="the version",
                             refusal="run the binary that mgviz.find_mgviz() names with --version")),
    (("-h", "--help"), _Option(_FLAG, spoken="help(mgviz.draw)",
                               refusal="help(mgviz.draw) lists the keywords; `mgviz --help` explains each")),
)

# The formats mgviz lays out with Graphviz, which --max-nodes limits; dot, json and txt have no limit.
_LAYOUT_FORMATS = ("svg", "png", "pdf", "html")

# mgviz's --max-nodes unless told otherwise (tests/test_options.py reads it from --help).
DEFAULT_MAX_NODES = 10000


def find_mgviz():
    """The mgviz binary's path: $MGVIZ if it is set, else the binary the wheel carries, else
    `mgviz` on PATH (passing over the `mgviz` command this package installs, which runs
    find_mgviz itself)."""
    configured = os.environ.get("MGVIZ")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise MgvizNotFound("mgviz: MGVIZ=%s is not an executable file. %s" % (configured, INSTALL_HINT))
    bundled = bundled_binary()
    if bundled is not None:
        return bundled
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        # An empty entry is the current folder, as for the shell.
        found = shutil.which("mgviz", path=folder or os.curdir)
        if found is not None and not is_this_command(found):
            return found
    raise MgvizNotFound("mgviz: the mgviz command is not on PATH, and this package carries none "
                        "(it was installed from the sources, not from the wheel). %s" % INSTALL_HINT)


def draw(root, path, **options):
    """Draw `root`'s graph into `path` by running `mgviz - --output=PATH [options]` on it.

    `names`, `parameters`, `title` and `model` go to trace(); every other keyword is an mgviz option:
    `rankdir="TB"` gives `--rankdir=TB`, `no_backward=True` gives `--no-backward`, and False
    or None leaves the option out. Any path is a file's, `-x.svg` or `-` too. Returns `path`.

    A `model=` run on a batch is drawn as a plate, one example of it (`example=K`, 0 unless
    given), unless `batch="all"`; `collapse="neurons"`, `"layers"` or `"calls"` folds each
    neuron, layer or call into one node.

    Raises MgvizNotFound when there is no binary, MgvizTypeError or MgvizValueError for a
    keyword or a Value it cannot take, or for a graph with more nodes than `max_nodes=`
    (default 10,000) allows for a layout (found while tracing, before mgviz runs; for a
    batch's plate, mgviz checks the plate, and the bridge traces up to 250,000 nodes), and
    MgvizFailed when mgviz fails. All are MgvizError.
    """
    path = os.fsdecode(path)
    # "-" would be mgviz's standard output; for Python it is a file's name, as open() takes it.
    output = os.path.join(os.curdir, path) if path == "-" else path
    stdout = _draw("mgviz.draw", root, options, [(output, None)])[0]
    # What mgviz says on success (--check's verdicts, --explain's lines) is passed on.
    if stdout:
        sys.stdout.write(stdout.decode("utf-8", "replace"))
    return path


def show(root, **options):
    """Show `root`'s graph in Jupyter. By default (format="html") returns a Page: mgviz's
    interactive page (groups opened on demand, search, the replay and the quiz), which Jupyter
    shows inline in an iframe whose srcdoc is the page, with the SVG attached for viewers that
    run no script (GitHub's notebook view). format="svg" returns a Drawing, the SVG alone.
    Takes draw()'s other keywords."""
    fmt = options.pop("format", "html")
    if fmt not in (None, "html", "svg"):
        raise MgvizValueError("mgviz.show draws the page (html) or SVG; use mgviz.draw(root, path, format=%r) for %s"
                              % (fmt, fmt))
    if fmt == "svg":
        # mgviz writes the SVG to its standard output, and then its verdicts to standard error.
        return Drawing(_draw("mgviz.show", root, options, [("-", "svg")])[0].decode("utf-8"))
    page, svg = _draw("mgviz.show", root, options, [("-", "html"), ("-", "svg")])
    return Page(page.decode("utf-8"), svg.decode("utf-8"))


def _draw(caller, root, options, outputs):
    """Trace `root` once and run mgviz on it for each of `outputs`, an (output, format) pair:
    a path or "-", and a format given over `options`' (None keeps theirs); returns what each
    run wrote to its standard output."""
    trace_kwargs = {name: options.pop(name) for name in _TRACE_KEYWORDS if name in options}
    runs = [(output, options if fmt is None else dict(options, format=fmt)) for output, fmt in outputs]
    # What explain= prints, the first run prints.
    runs[1:] = [(output, {name: value for name, value in later.items() if name != "explain"}) for output, later in runs[1:]]
    # The graph is traced for the first output, whose limits the later ones share.
    output, options = runs[0]
    _arguments(caller, options)    # a keyword it cannot take is refused before tracing
    if "\0" in output:
        raise MgvizValueError("%s: the path %s holds a NUL character, which no file name can"
                              % (caller, _shown(output)))
    limit = _node_limit(caller, output, options)
    binary = find_mgviz()
    try:
        # A batch is drawn as a plate unless batch="all": then mgviz checks the plate's size.
        graph = traced(root, node_limit=limit, plate=options.get("batch") != "all", **trace_kwargs)
    except NodeLimit as refusal:
        fmt = _output_format(output, options)
        layout = "%s %s layout" % ("an" if fmt in ("svg", "html") else "a", fmt)
        if refusal.traced_limit is None:
            size = "more than max_nodes=%d nodes, too many for %s (Graphviz slows down on big graphs)" % (limit, layout)
        else:
            size = ("more than {:,} nodes, more than the bridge traces for %s of a batch's plate, whose size mgviz "
                    "checks against max_nodes=%d").format(refusal.traced_limit) % (layout, limit)
        raise MgvizValueError(
            "%s: the graph has %s; draw it to a .dot or .json path instead, draw a part with focus=NAME, depth=K, "
            "fold a model's neurons with model=MODEL, collapse=\"neurons\", or raise max_nodes="
            % (caller, size), max_nodes=limit, format=fmt) from None
    text = graph.text().encode("utf-8")
    return [_run(caller, [binary, "-", "--output=" + output] + _arguments(caller, options), text, options).stdout
            for output, options in runs]


def _draw_text(caller, text, path, options):
    """Runs `mgviz - --output=PATH [options]` on a document's `text` (a training run's);
    what mgviz says (its alarms) goes to stderr in the caller's terms. Returns `path`."""
    path = os.fsdecode(path)
    output = os.path.join(os.curdir, path) if path == "-" else path
    arguments = _arguments(caller, options)
    if "\0" in output:
        raise MgvizValueError("%s: the path %s holds a NUL character, which no file name can" % (caller, _shown(output)))
    _run(caller, [find_mgviz(), "-", "--output=" + output] + arguments, text.encode("utf-8"), options)
    return path


def diff(root_a, root_b, path, **options):
    """Draw `root_b`'s graph as its difference from `root_a`'s into `path`, by running
    `mgviz diff A B --output=PATH [options]`; returns a Difference (what differs).

    Each root is a micrograd Value, traced as draw() traces it, or a document trace() or
    dumps() made earlier: micrograd updates parameters in place, so a graph from before a
    training step shows the new data once the step has run; dump it first
    (`before = mgviz.dumps(loss, model=model)`) and pass that. `names`, `parameters`, `title`
    and `model` go to the trace of each Value; every other keyword is an mgviz option, as
    draw() takes them: `only_changed=True, depth=1` draws only what changed and what lies one
    op from it, `tolerance=1e-9` counts smaller changes. Raises as draw() does; that the
    graphs differ is no error (Difference.differs).
    """
    path = os.fsdecode(path)
    output = os.path.join(os.curdir, path) if path == "-" else path
    trace_kwargs = {name: options.pop(name) for name in _TRACE_KEYWORDS if name in options}
    arguments = _arguments("mgviz.diff", options)
    if "\0" in output:
        raise MgvizValueError("mgviz.diff: the path %s holds a NUL character, which no file name can" % _shown(output))
    limit = _node_limit("mgviz.diff", output, options)
    binary = find_mgviz()
    texts = []
    for root in (root_a, root_b):
        if isinstance(root, str):
            texts.append(root)
        elif isinstance(root, dict):
            texts.append(document_text(root))
        else:
            try:
                texts.append(traced(root, node_limit=limit, plate=options.get("batch") != "all", **trace_kwargs).text())
            except NodeLimit:
                raise MgvizValueError(
                    "mgviz.diff: a graph has more than max_nodes=%d nodes, too many for a layout (Graphviz slows down "
                    "on big graphs); draw the difference to a .dot or .json path, draw its changes with "
                    "only_changed=True, depth=K, or raise max_nodes=" % limit, max_nodes=limit) from None
    # A is mgviz's standard input and B a pipe of its own, so that no temporary file's name
    # reaches a message.
    read_b, write_b = os.pipe()
    command = [binary, "diff", "-", "/dev/fd/%d" % read_b, "--output=" + output] + arguments
    writer = threading.Thread(target=_write_all, args=(write_b, texts[1].encode("utf-8")))
    writer.start()
    try:
        result = _run("mgviz.diff", command, texts[0].encode("utf-8"), options, accepted=(0, 1), pass_fds=(read_b,),
                      inputs={"<stdin>": "root_a", "/dev/fd/%d" % read_b: "root_b"})
    finally:
        os.close(read_b)
        writer.join()
    return Difference(result.stderr.decode("utf-8", "replace"), result.returncode == 1)


def _write_all(descriptor, data):
    """Writes `data` into a pipe and closes it; a reader that stops early ends the writing."""
    try:
        with os.fdopen(descriptor, "wb") as pipe:
            pipe.write(data)
    except BrokenPipeError:
        pass


class Difference:
    """What mgviz diff found: `differs`, the `summary` it printed (its lines), and the counts
    of its first line: `counts["changed"]`, and nodesInA, nodesInB, matched, opsChanged,
    renamed, rewired, added, removed."""

    _COUNTS = re.compile(r"nodes: A (\d+), B (\d+); matched (\d+) \(changed (\d+), op changed (\d+), renamed (\d+), "
                         r"rewired (\d+)\); added (\d+) \(only in B\); removed (\d+) \(only in A\)")

    def __init__(self, stderr, differs):
        self.differs = differs
        self.summary = [line for line in stderr.splitlines() if line and not line.startswith("mgviz: ")]
        found = self._COUNTS.search(stderr)
        names = ("nodesInA", "nodesInB", "matched", "changed", "opsChanged", "renamed", "rewired", "added", "removed")
        self.counts = dict(zip(names, map(int, found.groups()))) if found else {}

    def __bool__(self):
        return self.differs

    def __repr__(self):
        return "<mgviz.Difference: %s>" % (self.summary[0] if self.summary else "nothing")


def _arguments(caller, options):
    """The options as mgviz's arguments, each one argument: `--name=value`, or `--flag`."""
    arguments = []
    for name, value in options.items():
        spelling = _SPELLING_OF.get(name)
        if spelling is None:
            near = difflib.get_close_matches(name, [k for k, s in _SPELLING_OF.items() if _OPTIONS[s].keyword]
                                             + list(_TRACE_KEYWORDS), n=1)
            raise MgvizTypeError("%s() got an unexpected keyword argument %r%s"
                                 % (caller, name, "; did you mean %r?" % near[0] if near else ""))
        option = _OPTIONS[spelling]
        if option.keyword is None:
            raise MgvizTypeError("%s: %s= is not an option here: %s" % (caller, name, option.refusal))
        if not _given(options, name):
            continue
        if option.values is _FLAG:
            if value is not True:
                raise MgvizTypeError("%s: %s= is True or False, not %s" % (caller, name, _shown(value)))
            arguments.append(spelling)
            continue
        if value is True:
            raise MgvizTypeError("%s: %s= takes a value, not True" % (caller, name))
        text = str(value)
        if "\0" in text:
            raise MgvizValueError("%s: %s= holds a NUL character, which a command line cannot" % (caller, name))
        arguments.append("%s=%s" % (spelling, text))
    return arguments


def _output_format(output, options):
    """The format mgviz will write, as it decides: format=, else the path's extension
    (lowercased; '' when there is none)."""
    if _given(options, "format"):
        return str(options["format"])
    name = output.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _given(options, keyword):
    """Whether the keyword gives its option: None and False leave it out (0 gives it)."""
    value = options.get(keyword)
    return value is not None and value is not False


def _node_limit(caller, output, options):
    """The most nodes the traced graph may have: `max_nodes=` when mgviz would lay the graph
    out whole, and None when it would not (dot or json) or might draw less of it (focus= or
    collapse= given)."""
    limit = options["max_nodes"] if _given(options, "max_nodes") else DEFAULT_MAX_NODES
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise MgvizTypeError("%s: max_nodes= must be an int, not %s" % (caller, _shown(limit)))
    if limit < 1:
        raise MgvizValueError("%s: max_nodes= must be positive, got %d" % (caller, limit))
    if _given(options, "focus") or _given(options, "collapse") or _output_format(output, options) not in _LAYOUT_FORMATS:
        return None
    return limit


def _run(caller, command, stdin, options, accepted=(0,), pass_fds=(), inputs=None):
    """Runs mgviz; returns its result when it exits with a status in `accepted`, else raises.
    `inputs`, for a difference, maps the names mgviz gives its inputs in messages to the
    caller's words for them; the lines of its summary are then not passed on."""
    try:
        result = subprocess.run(command, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=environment(command[0]), pass_fds=pass_fds)
    except (FileNotFoundError, PermissionError, NotADirectoryError) as error:
        raise MgvizNotFound("mgviz: cannot run %s (%s). %s" % (command[0], error, INSTALL_HINT)) from None
    stderr = result.stderr.decode("utf-8", "replace")
    for name, words in (inputs or {}).items():
        stderr = stderr.replace(": %s: " % name, ": %s: " % words)
    lines = [line for line in stderr.splitlines() if line.strip()]
    if result.returncode not in accepted:
        errors = [line for line in lines if line.startswith("mgviz: error:")]
        if errors:
            message = spoken = errors[0]
        elif result.returncode < 0:
            # A crash's first line says what failed; its backtrace follows.
            message = "mgviz was ended by signal %d (%s)%s" % (
                -result.returncode, _signal_name(-result.returncode), ": " + lines[0] if lines else "")
            spoken = "%s: %s" % (caller, message)
        elif lines:
            message = spoken = lines[-1]
        else:
            message = "mgviz exited with status %d and said nothing" % result.returncode
            spoken = "%s: %s" % (caller, message)
        raise MgvizFailed(_spoken(caller, spoken, options), message=message, returncode=result.returncode,
                          stderr=stderr, command=command)
    # Its warnings and notes, in draw()'s terms; a difference's summary is returned instead.
    for line in lines:
        if inputs is None or line.startswith("mgviz: "):
            sys.stderr.write(_spoken(caller, line, options) + "\n")
    return result


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return "an unknown signal"


_HELP_SUFFIX = "; see 'mgviz --help'"
_FILE_SIZE = "the file is"

# A token that can be an option's value where a message names the option: a number, a
# placeholder (NAME, K) or a word (one of the option's choices, else no value).
_VALUE = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])|[A-Za-z][A-Za-z0-9_]*\b"
# ArgumentParser's `'--format <format>'`, or an option named in a sentence, with what may be
# its value (`--max-nodes 10`, `--focus NAME`, `--theme light or dark`).
_MENTION = re.compile(r"'(--?[a-z][a-z-]*) <[^<>']*>'"
                      r"|(?<![\w'./-])(--?[a-z][a-z-]*)(?=[\s:;,')]|$)((?: (?:%s)(?: or (?:%s))*)?)" % (_VALUE, _VALUE))
# Marks a translated mention while a line is translated: two in a row are joined with a comma.
_START, _END = "\x01", "\x02"


def _spoken(caller, line, options):
    """One line of mgviz's in draw()'s terms: `mgviz: error: <stdin>: the graph has 32 nodes,
    more than --max-nodes 10 allows ...; see 'mgviz --help'` is `mgviz.draw: the graph has 32
    nodes, more than max_nodes=10 allows ...`. A line that is not mgviz's is left as it is."""
    for kind in ("error", "warning", "note"):
        prefix = "mgviz: %s: " % kind
        if line.startswith(prefix):
            break
    else:
        return line
    text = line[len(prefix):]
    # The traced graph is mgviz's standard input, which it calls <stdin>.
    if text.startswith("<stdin>: "):
        text = text[len("<stdin>: "):]
    if text.endswith(_HELP_SUFFIX):
        text = text[:-len(_HELP_SUFFIX)]
    # Its input is no file of the user's: it is the traced graph.
    if text.startswith(_FILE_SIZE):
        text = "the traced graph's dump is" + text[len(_FILE_SIZE):]

    def keyword(match):
        spelling = match.group(1) or match.group(2)
        option = _OPTIONS.get(spelling)
        if option is None:
            return match.group(0)
        tail = match.group(3) or ""
        if option.keyword is None:
            return _START + option.spoken + _END + tail
        if match.group(1):
            return _START + option.keyword + "=" + _END
        words = tail.split(" or ") if tail else []
        values = []
        for word in (w.strip() for w in words):
            if isinstance(option.values, tuple) and word in option.values:
                values.append('"%s"' % word)
            elif option.values is not _FLAG and (word.isupper() or option.values is _NUMBER and word[0] in "-0123456789"):
                # A placeholder (`--focus NAME`), or a number for an option that takes one.
                values.append(word)
            else:
                break
        # What follows that is no value: all of it, or the words after ` or ` past the values.
        rest = "".join(" or " + word for word in words[len(values):]) if values else tail
        if values:
            spoken = option.keyword + "=" + " or ".join(values)
        elif option.values is _FLAG:
            spoken = option.keyword + "=True"
        elif match.string[match.end():match.end() + 1] == ":" and _given(options, option.keyword):
            # `--focus: no node is labelled 'h'`: the value given, as it was given.
            spoken = option.keyword + "=" + _python(options[option.keyword])
        else:
            spoken = option.keyword + "="
        return _START + spoken + _END + rest

    text = _MENTION.sub(keyword, text)
    text = text.replace(_END + " " + _START, ", ").replace(_START, "").replace(_END, "")
    return "%s: %s%s" % (caller, "" if kind == "error" else kind + ": ", text)


def _python(value):
    """A keyword's value as Python code: `"h1"`, `3`."""
    if isinstance(value, str) and value.isprintable() and '"' not in value and "\\" not in value:
        return '"%s"' % value
    return repr(value)


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


class Page:
    """mgviz's interactive HTML page, with the SVG of the same graph. Jupyter shows the page
    inline, in an iframe whose srcdoc is the page (`_repr_html_`); the bundle carries the SVG
    too, which viewers that run no script show instead. str() is the page and save(path)
    writes it."""

    # The page fills its frame (its graph is panned and zoomed inside), so the frame's height
    # is the view's: a notebook's screen, less the cell around it.
    HEIGHT = 640

    def __init__(self, html, svg):
        self.html = html
        self.svg = svg

    def _repr_html_(self):
        return ('<iframe srcdoc="%s" style="width: 100%%; height: %dpx; border: 1px solid #ccc" '
                'title="mgviz: the graph" loading="eager"></iframe>' % (_html.escape(self.html, quote=True), self.HEIGHT))

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(), "image/svg+xml": self.svg, "text/plain": repr(self)}

    def __str__(self):
        return self.html

    def __repr__(self):
        return "<mgviz.Page: %d bytes of HTML, %d of SVG>" % (len(self.html.encode("utf-8")), len(self.svg.encode("utf-8")))

    def save(self, path):
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write(self.html)
        return path
