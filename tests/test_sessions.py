"""Services are handed a Session: every caller passes `db.session()`, this context's session, never
Flask-SQLAlchemy's scoped proxy, so no service has to tell the two apart."""
from __future__ import annotations

import ast
from pathlib import Path

import delivery

ROOT = Path(delivery.__file__).parent
# The package and the benchmarks, which drive the services the same way.
CALLERS = (ROOT, ROOT.parent / "bench")


def _is_scoped_proxy(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "session"
            and isinstance(node.value, ast.Name) and node.value.id == "db")


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_callers_pass_the_session_not_the_scoped_proxy():
    found = []
    for path in sorted(p for folder in CALLERS for p in folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or _callee(node).endswith("View"):
                continue  # Flask-Admin's views are built once and need the proxy, per request
            arguments = [*node.args, *(k.value for k in node.keywords)]
            if any(_is_scoped_proxy(a) for a in arguments):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert found == []


def test_services_do_not_unwrap_a_scoped_session():
    services = ROOT / "services"
    assert [p.name for p in sorted(services.rglob("*.py")) if "scoped_session" in p.read_text()] == []
