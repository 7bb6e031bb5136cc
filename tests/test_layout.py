"""The package's shape: no import cycle among `delivery` modules, and importing one has no side effect."""
from __future__ import annotations

import ast
import importlib
import json
import os
import re
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from delivery.config import ROOT

PACKAGE = ROOT / "delivery"
# Entry points: importing them is starting the program, as importing wsgi.py is.
ENTRY_POINTS = {"delivery.worker"}  # the Huey consumer's: builds the app it runs tasks in


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imported_modules(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules this one imports anywhere (module level and inside functions).

    `from a import b` imports a.b when b is a module, else a; `import a.b` imports a.b.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
            for alias in node.names:
                name = f"{base}.{alias.name}"
                names.add(name if name in modules else base)
    return {name for name in names if name in modules} - {module}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = module_files()
    return {module: imported_modules(module, path, modules) for module, path in modules.items()}


def test_the_import_graph_sees_function_level_imports():
    graph = import_graph()
    assert "delivery.services.receipts" in graph["delivery.tasks"]  # module level
    assert "delivery.printing" in graph["delivery.app"]  # inside _report_pdf_backend
    assert "delivery.ui" in graph["delivery.ui.auth"]  # `from delivery.ui import bp`
    assert "delivery.ui.auth" in graph["delivery.ui.views"]  # `from delivery.ui import auth`


def test_no_import_cycle_among_delivery_modules():
    try:
        tuple(TopologicalSorter(import_graph()).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_no_service_imports_the_tasks():
    graph = import_graph()
    importers = sorted(m for m, targets in graph.items() if "delivery.tasks" in targets)
    assert importers == ["delivery.app"], importers


# The web's and the queue's packages, and the package's modules that speak HTTP or hold the app's
# extensions: services and domain rules take a session and raise delivery.domain.errors instead.
WEB_PACKAGE_MODULES = {"delivery.errors", "delivery.extensions", "delivery.queue", "delivery.tasks",
                       "delivery.app", "delivery.printing", "delivery.api", "delivery.ui", "delivery.admin"}


def external_imports(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions, by its full dotted name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return names


def speaks_http(name: str) -> bool:
    if name == "werkzeug.security":  # password hashing (services/users.py), no HTTP in it
        return False
    top = name.split(".")[0]
    return top in ("flask", "werkzeug", "huey", "jinja2", "htmx_flask", "pdfkit") or top.startswith("flask_") or any(
        name == module or name.startswith(module + ".") for module in WEB_PACKAGE_MODULES)


def test_services_and_domain_know_no_web_no_queue_no_http_error():
    offenders = {}
    for module, path in module_files().items():
        if not module.startswith(("delivery.services", "delivery.domain")):
            continue
        bad = sorted(name for name in external_imports(path) if speaks_http(name))
        text = path.read_text(encoding="utf-8")
        bad += [word for word in ("ApiError", "render_template", "abort(") if word in text]
        if bad:
            offenders[module] = bad
    assert offenders == {}


def test_the_web_check_sees_a_flask_import():
    assert speaks_http("flask") and speaks_http("flask_babel") and speaks_http("delivery.errors")
    assert speaks_http("delivery.ui.labels") and not speaks_http("delivery.domain.errors")
    assert not speaks_http("sqlalchemy.orm") and not speaks_http("delivery.uid")
    assert speaks_http("werkzeug.exceptions") and not speaks_http("werkzeug.security")


# Run in a fresh interpreter: an audit hook reports every file opened for writing, directory made,
# socket connected and SQLite database opened while every module of the package is imported.
_IMPORT_ALL = r"""
import importlib, json, os, sys
events = []
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND

def hook(event, args):
    if event == "open" and args[0] is not None and not isinstance(args[0], int):
        mode, flags = args[1], args[2]
        if (mode and any(c in mode for c in "wax+")) or (flags and flags & WRITE):
            events.append(f"open {args[0]} {mode or flags}")
    elif event in ("os.mkdir", "os.rename", "os.remove", "socket.connect", "sqlite3.connect"):
        events.append(f"{event} {args[:2]!r}")

sys.addaudithook(hook)
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps(events))
"""


def test_importing_any_delivery_module_writes_nothing_and_connects_nowhere(tmp_path):
    modules = sorted(set(module_files()) - ENTRY_POINTS)
    instance = ROOT / "instance"
    before = sorted(p.name for p in instance.iterdir()) if instance.exists() else []
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTHON"))}
    env.update(PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", HOME=str(tmp_path),
               REDIS_URL="redis://127.0.0.1:1/0", DATABASE_URL=f"sqlite:///{tmp_path / 'never.db'}")
    result = subprocess.run([sys.executable, "-c", _IMPORT_ALL, json.dumps(modules)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.splitlines()[-1]) == []
    assert list(tmp_path.iterdir()) == []
    assert (sorted(p.name for p in instance.iterdir()) if instance.exists() else []) == before


def test_the_import_audit_sees_a_write_and_a_connection(tmp_path):
    """The audit above can fail: a module that opens a file for writing and one that connects are caught."""
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "writes.py").write_text(f"open({str(tmp_path / 'made.txt')!r}, 'w').close()\n")
    (probe / "connects.py").write_text(
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 1), timeout=1)\nexcept OSError:\n    pass\n")
    env = {**os.environ, "PYTHONPATH": str(probe), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", _IMPORT_ALL, json.dumps(["writes", "connects"])],
                            cwd=probe, env=env, capture_output=True, text=True, timeout=60)
    events = json.loads(result.stdout.splitlines()[-1])
    assert any(e.startswith("open ") and "made.txt" in e for e in events), events
    assert any(e.startswith("socket.connect") for e in events), events


# --- No function nothing calls -------------------------------------------------------------------------
# A name defined in delivery/ (a module-level function, class or constant, or a method) must be used
# somewhere the app's code lives: by name in code, or in a template (Jinja calls functions by name).
# Called by a framework, so not dead: decorated entry points (routes, tasks, CLI commands, hooks),
# methods overriding a base class's (Flask-Admin, Marshmallow, Huey, Flask-Login), dunder methods.
USED_FROM = [ROOT / "wsgi.py", ROOT / "gunicorn.conf.py", *sorted((ROOT / "migrations").rglob("*.py"))]
# Decorators that register nothing: what they decorate still needs a caller.
PLAIN_DECORATORS = {"property", "staticmethod", "classmethod", "cached_property", "dataclass", "wraps",
                    "lru_cache", "cache", "contextmanager", "setter"}
# Modules whose every definition is for callers outside the app, with the reason.
ALLOWED_MODULES = {
    "delivery.testing": "real servers and throwaway databases for tests/ and bench/; the app never imports it",
}


def _decorator_name(node: ast.expr) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _assigned(node: ast.stmt) -> list[str]:
    """The names a module-level assignment defines (`A = ...`, `A: int = ...`, `A, B = ...`)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    names = []
    for target in targets:
        elements = target.elts if isinstance(target, ast.Tuple) else [target]
        names += [element.id for element in elements if isinstance(element, ast.Name)]
    return [name for name in names if not (name.startswith("__") and name.endswith("__"))]  # __all__


def definitions(module: str, tree: ast.Module) -> list[tuple[str, str, str | None, bool]]:
    """(module, name, class or None, registered by a decorator) for each module-level def, class and
    constant, and each method."""
    found = []

    def registered(node) -> bool:
        return any(_decorator_name(d) not in PLAIN_DECORATORS for d in node.decorator_list)

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append((module, node.name, None, registered(node)))
        found += [(module, name, None, False) for name in _assigned(node)]
        if isinstance(node, ast.ClassDef):
            found += [(module, item.name, node.name, registered(item)) for item in node.body
                      if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return found


# A string that is a name, dotted or not, names something: getattr(obj, "name"), an endpoint
# ("ui.plan_status"), a relationship's target ("Order.planned_minute"), `__all__`. Prose does not.
_NAME_STRING = re.compile(r"[A-Za-z_]\w*(?:[.:][A-Za-z_]\w*)*")


def references(text: str, python: bool = True) -> set[str]:
    """Every name a file uses: names read (not the ones assigned), attributes, imported names, strings
    that are names, and every word of a template. Docstrings, comments and prose strings use nothing."""
    if not python:
        return set(re.findall(r"[A-Za-z_]\w*", text))
    tree = ast.parse(text)
    # A bare string statement (a docstring, or a string used as a comment) is no use of anything.
    prose = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
             and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.name.rpartition(".")[2])
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose
              and _NAME_STRING.fullmatch(node.value)):
            names |= set(re.findall(r"[A-Za-z_]\w*", node.value))
    return names


def _overrides(module: str, class_name: str, name: str) -> bool:
    """True when a library class the class (or a class mixing it in) derives from defines the name."""
    cls = getattr(importlib.import_module(module), class_name)
    return any(name in vars(base) for klass in (cls, *cls.__subclasses__()) for base in klass.__mro__
               if not base.__module__.startswith("delivery"))


def unreferenced(defined, used: set[str], overrides=_overrides) -> list[str]:
    """The definitions nothing uses and no framework calls."""
    return [f"{module}:{cls + '.' if cls else ''}{name}" for module, name, cls, registered in defined
            if name not in used and not registered and not (name.startswith("__") and name.endswith("__"))
            and module not in ALLOWED_MODULES and not (cls and overrides(module, cls, name))]


def test_no_function_in_delivery_that_nothing_calls():
    defined, used = [], set()
    for module, path in module_files().items():
        text = path.read_text(encoding="utf-8")
        defined += definitions(module, ast.parse(text))
        used |= references(text)
    for path in USED_FROM:
        used |= references(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "templates").rglob("*.html")):
        used |= references(path.read_text(encoding="utf-8"), python=False)
    assert unreferenced(defined, used) == []


def test_the_dead_code_check_finds_a_function_nothing_calls():
    source = ast.parse(
        '"""Docstrings and prose name dead, unused, UNUSED and Model: no use of them."""\n'
        "import click\n"
        "USED, UNUSED = 1, 2\n"
        "NAMED: int = 3\n"
        "__all__ = ['used']\n"
        "def used(): return USED\n"
        "def dead():\n"
        "    'Calls used; dead, UNUSED and Model are only named here.'\n"
        "    return used(), getattr(click, 'NAMED'), 'a message about Model and unused'\n"
        "@click.command()\n"
        "def command(): pass\n"
        "class Model:\n"
        "    def __repr__(self): return ''\n"
        "    def overrides(self): pass\n"
        "    def unused(self): pass\n"
    )
    found = unreferenced(definitions("example", source), references(ast.unparse(source)),
                         overrides=lambda module, cls, name: name == "overrides")
    assert found == ["example:UNUSED", "example:dead", "example:Model", "example:Model.unused"]


def test_test_modules_import_helpers_only_from_tests_helpers():
    """Shared helpers live in tests/helpers.py and fixtures in conftest files: no test module imports
    from another test module or from a conftest."""
    wrong = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            wrong += [f"{path.relative_to(ROOT)}: {name}" for name in names
                      if name.startswith("tests.") and name != "tests.helpers"]
            if isinstance(node, ast.ImportFrom) and node.level:
                wrong.append(f"{path.relative_to(ROOT)}: relative import")
    assert wrong == []
