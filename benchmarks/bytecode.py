"""fundaudit's modules byte-compiled before anything is timed, as a regular install leaves them.

``pip install .`` writes each module's bytecode (``__pycache__``) when it installs; an editable
install (``pip install -e .``) leaves it to the first import, which a machine with
``PYTHONDONTWRITEBYTECODE`` set (this workplace's machines: it is in their environment) never
writes, so that every run there would compile fundaudit's ~160 modules again (about 0.4 s on
the benchmark's machine) while the peers' libraries, installed by pip, are compiled. The
benchmarks time fundaudit as installed, like its peers: compiled.
"""

from __future__ import annotations

import compileall
from pathlib import Path


def compiled() -> str:
    """Byte-compile the fundaudit package imported here; say what was done (for the results)."""
    import fundaudit

    package = Path(fundaudit.__file__).resolve().parent
    ok = compileall.compile_dir(str(package), quiet=1)
    return f"fundaudit's bytecode written ({package})" if ok else f"fundaudit's bytecode NOT all written ({package})"
