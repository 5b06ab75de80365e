import os
import shutil

import pytest


@pytest.fixture
def exe():
    """The built itbound executable (ctest passes it in ITBOUND_EXE)."""
    path = os.environ.get("ITBOUND_EXE") or shutil.which("itbound")
    if not path:
        pytest.skip("itbound executable not given (set ITBOUND_EXE)")
    return path
