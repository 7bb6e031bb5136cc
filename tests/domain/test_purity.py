"""The domain layer stays plain Python: importing it pulls in neither Flask nor SQLAlchemy."""
import pkgutil
import subprocess
import sys

import delivery.domain


def test_domain_imports_neither_flask_nor_sqlalchemy():
    modules = [f"delivery.domain.{m.name}" for m in pkgutil.iter_modules(delivery.domain.__path__)]
    assert modules, "the domain package has modules"
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
