import os
import sys
from pathlib import Path

import pytest

# The tests import notebook.py and lecture.py from beside them.
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def repo():
    """The mgviz checkout: $MGVIZ_REPO (scripts/python-test.sh sets it), else two folders up."""
    return Path(os.environ.get("MGVIZ_REPO") or Path(__file__).resolve().parents[2])


@pytest.fixture
def mgviz_binary():
    """The mgviz binary that $MGVIZ names; the tests that run it are skipped without it."""
    binary = os.environ.get("MGVIZ")
    if not binary:
        pytest.skip("MGVIZ is not set (scripts/python-test.sh sets it to the binary it is given)")
    return binary
