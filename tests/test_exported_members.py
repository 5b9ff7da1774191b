import subprocess
import sys
import types

import remontada


def test_public_api_is_deliberate():
    assert remontada.__all__ == sorted(remontada.__all__)
    for name in remontada.__all__:
        assert hasattr(remontada, name), name
    public = {
        n for n, v in vars(remontada).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)
    }  # fmt: skip
    assert public == set(remontada.__all__) - {"__version__"}


def test_core_library_does_not_import_front_end_stacks():
    front_ends = "('fastapi', 'typer', 'remontada.app.cli')"
    code = f"import sys, remontada; print(sorted(m for m in {front_ends} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
