"""The bridge's table of mgviz's options (mgviz._run._OPTIONS) against `mgviz --help`: every
option has an entry, so a new one cannot be forgotten, and each entry takes what the option
takes."""

import random
import re
import subprocess

from micrograd import nn
from micrograd.engine import Value

import mgviz
from mgviz import _run


def help_options(binary):
    """{spelling: (takes a value, its choices or None, its example's value or None, its default
    or None)} for each option --help lists; both spellings of `-o, --output`."""
    text = subprocess.run([binary, "--help"], capture_output=True, text=True, check=True).stdout
    section = text[text.index("\nOPTIONS:\n"):]
    # Each option's block: from its line (two spaces, then a dash) to the next one's.
    blocks = re.split(r"\n  (?=-)", section)[1:]
    options = {}
    for block in blocks:
        block = " ".join(block.split())
        head = re.match(r"((?:--?[a-z][a-z-]*)(?:, --?[a-z][a-z-]*)*)( <[^>]+>)?", block)
        choices = re.search(r"\(values: ([^;)]+)", block)
        spellings = "|".join(re.escape(s) for s in head.group(1).split(", "))
        example = re.search(r"Example: (?:\S+ )*?(%s)(?: (\S+))?" % spellings, block)
        default = re.search(r"default:? (\S+?)[;)]", block)
        entry = (head.group(2) is not None, choices and choices.group(1).split(", "),
                 example and example.group(2), default and default.group(1))
        for spelling in head.group(1).split(", "):
            options[spelling] = entry
    return options


def test_every_option_has_an_entry(mgviz_binary):
    options = help_options(mgviz_binary)
    assert len(options) >= 24 and "--max-nodes" in options and "-o" in options
    assert sorted(options) == sorted(_run._OPTIONS)
    for spelling, (takes_value, choices, example, _) in options.items():
        entry = _run._OPTIONS[spelling]
        assert (entry.values is not _run._FLAG) == takes_value, spelling
        if choices:
            assert entry.values == tuple(choices), spelling
        elif takes_value:
            # A number where --help's example gives one (`--max-nodes 5000`), else text.
            number = example is not None and re.fullmatch(r"-?[\d.]+(e-?\d+)?", example) is not None
            assert entry.values == (_run._NUMBER if number else _run._TEXT), (spelling, example)
        # Each has a keyword, or else words for what stands for it and why it has none.
        assert (entry.keyword is None) == (entry.refusal is not None) == (entry.spoken is not None), spelling
        if entry.keyword:
            assert entry.keyword == spelling[2:].replace("-", "_")
            assert _run._SPELLING_OF[entry.keyword] == spelling


def test_the_default_node_limit_is_mgviz_own(mgviz_binary):
    assert help_options(mgviz_binary)["--max-nodes"][3] == str(_run.DEFAULT_MAX_NODES)


def test_the_keywords_are_the_options():
    keywords = sorted(option.keyword for option in set(_run._OPTIONS.values()) if option.keyword)
    assert keywords == ["batch", "check", "collapse", "color", "dead_steps", "depth", "dpi", "example", "explain",
                        "exploding_factor", "focus", "format", "max_layout_seconds", "max_nodes", "method", "no_backward",
                        "notation", "only_changed", "precision", "quiz", "rankdir", "step", "steps", "theme", "tolerance",
                        "vanishing_ratio"]
    refused = sorted(name for name, spelling in _run._SPELLING_OF.items() if _run._OPTIONS[spelling].keyword is None)
    assert refused == ["h", "help", "input_format", "o", "out_dir", "output", "version"]


def test_messages_hard_to_reach_are_put_in_keywords():
    """mgviz's lines for a layout that runs out of time or is too costly, and its notes, as
    DrawError words them, through the same translation as every line."""
    for line, spoken in [
        ("mgviz: error: <stdin>: dot did not finish this layout within --max-layout-seconds 10 of CPU time; draw "
         "a part with --focus NAME --depth K, write .dot or .json, or raise the limit",
         "mgviz.draw: dot did not finish this layout within max_layout_seconds=10 of CPU time; draw a part with "
         "focus=NAME, depth=K, write .dot or .json, or raise the limit"),
        ("mgviz: error: <stdin>: this graph is likely to take dot over 10 s to lay out: 9000 nodes, layout cost "
         "40000 (at most 35000), fan-out reach 10 (at most 30000); collapse the model with --collapse neurons, "
         "draw a part with --focus NAME --depth K, or write .dot or .json",
         "mgviz.draw: this graph is likely to take dot over 10 s to lay out: 9000 nodes, layout cost 40000 (at "
         "most 35000), fan-out reach 10 (at most 30000); collapse the model with collapse=\"neurons\", draw a "
         "part with focus=NAME, depth=K, or write .dot or .json"),
        ("mgviz: note: <stdin>: the model's graph has 900 nodes; --collapse neurons draws each neuron as one node",
         "mgviz.draw: note: the model's graph has 900 nodes; collapse=\"neurons\" draws each neuron as one node"),
        ("mgviz: error: --dpi is for PNG output; svg has no pixels; see 'mgviz --help'",
         "mgviz.draw: dpi= is for PNG output; svg has no pixels"),
        ("mgviz: error: cannot write out: it is a folder; to write into a folder use --out-dir out",
         "mgviz.draw: cannot write out: it is a folder; to write into a folder use a path inside out"),
        ("mgviz: error: Missing value for '--output <output>'; see 'mgviz --help'",
         "mgviz.draw: Missing value for draw()'s path"),
        ("mgviz: error: cannot write -o.svg: Permission denied", "mgviz.draw: cannot write -o.svg: Permission denied"),
        # Its input is the traced graph, not a file of the user's.
        ("mgviz: error: <stdin>: the file is 67112960 bytes, over the limit of 67108864",
         "mgviz.draw: the traced graph's dump is 67112960 bytes, over the limit of 67108864"),
        # A line that is not mgviz's diagnostic (a verdict on standard error) is left alone.
        ("OK    x1  autograd -1.5000000000", "OK    x1  autograd -1.5000000000"),
    ]:
        assert _run._spoken("mgviz.draw", line, {}) == spoken


# A value for each option that takes one, the arguments it needs beside it, and what it
# draws: the spec, or a batch (a model run on two inputs).
EXAMPLES = {
    "--format": ("dot", [], "spec"),
    "--input-format": ("json", [], "spec"),
    "--rankdir": ("TB", [], "spec"),
    "--precision": ("6", [], "spec"),
    "--color": ("grad", [], "spec"),
    "--theme": ("dark", [], "spec"),
    "--step": ("1e-4", ["--check"], "spec"),
    "--method": ("forward", ["--check"], "spec"),
    "--tolerance": ("1e-3", ["--check"], "spec"),
    "--notation": ("symbols", ["--explain"], "spec"),
    "--steps": ("all", ["--explain"], "spec"),
    "--collapse": ("layers", [], "batch"),
    "--batch": ("all", [], "batch"),
    "--example": ("1", [], "batch"),
    "--focus": ("y", [], "spec"),
    "--depth": ("0", ["--focus", "y"], "spec"),
    "--dead-steps": ("1", [], "run"),
    "--vanishing-ratio": ("0.5", [], "run"),
    "--exploding-factor": ("1.5", [], "run"),
    "--max-nodes": ("5000", [], "spec"),
    "--max-layout-seconds": ("60", [], "spec"),
    "--dpi": ("50", [], "spec"),
}


def test_every_option_takes_its_value_after_an_equals_sign(mgviz_binary, tmp_path):
    """`--name=value`, as the bridge passes every option, does what `--name value` does:
    the same bytes, the same lines, for each option that takes a value."""
    inputs = {"spec": tmp_path / "spec.json", "batch": tmp_path / "batch.json", "run": tmp_path / "run.mgviz-run"}
    inputs["spec"].write_text('{"inputs": {"x": 2.0}, "define": ["y = x**2 + exp(x)"], "output": "y"}',
                              encoding="utf-8")
    random.seed(4)
    model = nn.MLP(2, [2, 1])
    total = sum((model(x) - 1) ** 2 for x in [[Value(1.0), Value(2.0)], [Value(-1.0), Value(0.5)]])
    total.backward()
    mgviz.dump(total, inputs["batch"], model=model)
    # A training run of two steps, whose alarm thresholds the run's options set.
    recorder = mgviz.Recorder(model=model)
    for _ in range(2):
        recorder.record(total)
        for p in model.parameters():
            p.grad *= 3
    recorder.save(inputs["run"])

    def run(arguments, output, draws="spec"):
        result = subprocess.run([mgviz_binary, str(inputs[draws])] + arguments, capture_output=True, cwd=tmp_path)
        assert result.returncode == 0, (arguments, result.stderr)
        return result.stdout, result.stderr, (tmp_path / output).read_bytes()

    takes_value = {spelling for spelling, option in _run._OPTIONS.items()
                   if option.values is not _run._FLAG and spelling.startswith("--")}
    assert set(EXAMPLES) | {"--out-dir", "--output"} == takes_value
    for spelling, (value, beside, draws) in EXAMPLES.items():
        output = "out.png" if spelling == "--dpi" else "out.svg"
        joined = run(beside + ["%s=%s" % (spelling, value), "-o", output], output, draws)
        apart = run(beside + [spelling, value, "-o", output], output, draws)
        assert joined == apart, spelling
    assert run(["--output=o.svg"], "o.svg") == run(["-o", "o.svg"], "o.svg")
    assert run(["--out-dir=joined"], "joined/spec.svg") == run(["--out-dir", "apart"], "apart/spec.svg")


def test_a_mention_keeps_what_is_no_value():
    for line, spoken in [
        ("mgviz: warning: --theme light or grey", 'mgviz.draw: warning: theme="light" or grey'),
        ("mgviz: error: --depth goes with --focus NAME", "mgviz.draw: depth= goes with focus=NAME"),
        ("mgviz: error: --focus: no node is labelled '0'", 'mgviz.draw: focus=0: no node is labelled \'0\''),
    ]:
        assert _run._spoken("mgviz.draw", line, {"focus": 0}) == spoken
