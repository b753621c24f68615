"""Which mgviz the bridge runs: MGVIZ, else the binary the wheel carries, else mgviz on PATH,
passing over the `mgviz` command that this package installs (which would look again); and
that command, which runs the binary in its own place. (scripts/wheel-test.sh runs the wheel's
own binary, with the machine's Graphviz hidden.)"""

import os
import subprocess
import sysconfig

import pytest

import mgviz
from mgviz import _bundle


def executable(path, text="#!/bin/sh\nexit 0\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def command():
    """The `mgviz` command that pip installed with this package, as pip wrote it."""
    path = os.path.join(sysconfig.get_path("scripts"), "mgviz")
    if not os.path.isfile(path):
        pytest.skip("the package is not installed with pip (scripts/python-test.sh installs it)")
    return path


def test_mgviz_then_the_wheels_binary_then_path(tmp_path, monkeypatch):
    configured = executable(tmp_path / "configured" / "mgviz")
    bundled = executable(tmp_path / "bundle" / "bin" / "mgviz")
    on_path = executable(tmp_path / "bin" / "mgviz")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(_bundle, "BINARY", bundled)
    monkeypatch.setenv("MGVIZ", configured)
    assert mgviz.find_mgviz() == configured
    monkeypatch.delenv("MGVIZ")
    assert mgviz.find_mgviz() == bundled
    # A package installed from the sources carries none.
    monkeypatch.setattr(_bundle, "BINARY", str(tmp_path / "bundle" / "no-such-mgviz"))
    assert mgviz.find_mgviz() == on_path


def test_path_passes_over_this_packages_command(command, tmp_path, monkeypatch):
    own = tmp_path / "venv-bin"
    own.mkdir()
    with open(command) as installed:
        executable(own / "mgviz", installed.read())
    real = executable(tmp_path / "bin" / "mgviz")
    monkeypatch.delenv("MGVIZ", raising=False)
    monkeypatch.setattr(_bundle, "BINARY", str(tmp_path / "no-such-mgviz"))
    monkeypatch.setenv("PATH", os.pathsep.join([str(own), str(tmp_path / "bin")]))
    assert mgviz.find_mgviz() == real
    # With only the command on PATH, there is no binary (rather than the command running itself).
    monkeypatch.setenv("PATH", str(own))
    with pytest.raises(mgviz.MgvizNotFound, match="not on PATH, and this package carries none"):
        mgviz.find_mgviz()


def test_the_command_runs_the_binary_in_its_place(command, mgviz_binary, tmp_path):
    environment = dict(os.environ, MGVIZ=mgviz_binary)
    own = subprocess.run([command, "--version"], env=environment, capture_output=True)
    binary = subprocess.run([mgviz_binary, "--version"], capture_output=True)
    assert own.returncode == 0 and own.stdout == binary.stdout and b"(Graphviz " in own.stdout
    # The binary's status and its one line of error, as the binary gives them.
    refused = subprocess.run([command, str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.svg")],
                             env=environment, capture_output=True)
    assert refused.returncode == 66 and refused.stderr.decode().count("\n") == 1
    assert refused.stderr.startswith(b"mgviz: error: ") and b"missing.json" in refused.stderr
    assert os.listdir(tmp_path) == []


def test_the_command_without_a_binary(command, tmp_path):
    # PATH holds only the command itself; this package (installed from the sources) carries none.
    environment = {"PATH": os.path.dirname(command), "HOME": str(tmp_path)}
    result = subprocess.run([command, "--version"], env=environment, capture_output=True)
    assert result.returncode == 69 and result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mgviz: the mgviz command is not on PATH")
    assert "pip install mgviz-*.whl" in lines[0] and "MGVIZ=/path/to/mgviz" in lines[0]


def test_the_wheels_fonts_only_where_the_machine_has_none(tmp_path, monkeypatch):
    for name in ("FONTCONFIG_FILE", "FONTCONFIG_PATH"):
        monkeypatch.delenv(name, raising=False)
    system = tmp_path / "fonts.conf"
    monkeypatch.setattr(_bundle, "_SYSTEM_FONTS", str(system))
    environment = _bundle.environment(_bundle.BINARY)
    assert environment["FONTCONFIG_FILE"] == os.path.join(os.path.dirname(mgviz.__file__), "_bundle", "fonts", "fonts.conf")
    assert environment["PATH"] == os.environ["PATH"]
    # Another binary has its own fonts, if any.
    assert _bundle.environment("/usr/local/bin/mgviz") is None
    monkeypatch.setenv("FONTCONFIG_PATH", str(tmp_path))
    assert _bundle.environment(_bundle.BINARY) is None
    monkeypatch.delenv("FONTCONFIG_PATH")
    system.write_text("<fontconfig/>")
    assert _bundle.environment(_bundle.BINARY) is None
