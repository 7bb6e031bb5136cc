"""The sample requests of the original task (forfar/tests/*.http), replayed as they are.

The sequence makes each of them meaningful: `check.http` asks for check 1 with key1 before any
order (no such check), then after `create_checks.http` (check 1 is key1's kitchen check of order
3000), `new_checks.http` lists it, `check.http` downloads it, and `new_checks.http` no longer lists it.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# The originals beside the repository (shared/specs/forfar/tests) when there; else the copies here.
ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [ROOT.parent / "shared" / "specs" / "forfar" / "tests", Path(__file__).resolve().parent / "http"]


def parse_http_file(path: Path) -> list[dict]:
    """Parse a JetBrains .http file: requests separated by ###, a request line, headers, a body."""
    requests = []
    for block in path.read_text(encoding="utf-8").split("###"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
        if not lines:
            continue
        method, url = lines[0].split()[:2]
        headers, body_start = {}, len(lines)
        for index, line in enumerate(lines[1:], start=1):
            if not line.strip():
                body_start = index + 1
                break
            name, value = line.split(":", 1)
            headers[name.strip()] = value.strip()
        body = "\n".join(lines[body_start:]).strip()
        parts = urlsplit(url)
        requests.append({"method": method, "path": parts.path + ("?" + parts.query if parts.query else ""),
                         "headers": headers, "body": body})
    return requests


def replay(client, name: str):
    folder = next(path for path in CANDIDATES if (path / name).exists())
    (request,) = parse_http_file(folder / name)
    return client.open(request["path"], method=request["method"], headers=request["headers"],
                       data=request["body"].encode("utf-8") or None)


def test_the_sample_requests_in_sequence(runner, client, session, fake_pdf):
    seeded = runner.invoke(args=["seed", "--printers-only"])  # the fixtures: key1...
    assert seeded.exit_code == 0 and "loaded 7 printers" in seeded.output
    assert "loaded 0 printers" in runner.invoke(args=["seed", "--printers-only"]).output
    before = replay(client, "check.http")
    assert (before.status_code, before.get_json()) == (400, {"error": "Данного чека не существует"})
    assert replay(client, "new_checks.http").get_json() == {"checks": []}

    created = replay(client, "create_checks.http")
    assert (created.status_code, created.get_json()) == (200, {"ok": "Чеки успешно созданы"})
    assert replay(client, "new_checks.http").get_json() == {"checks": [{"id": 1}]}

    pdf = replay(client, "check.http")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="3000_kitchen.pdf"'
    assert pdf.data.startswith(b"%PDF")
    assert replay(client, "new_checks.http").get_json() == {"checks": []}

    again = replay(client, "create_checks.http")
    assert (again.status_code, again.get_json()) == (400, {"error": "Для данного заказа уже созданы чеки"})


def test_the_contract_example_order_is_accepted(client, printers, fake_pdf):
    from delivery.api.receipt_schemas import ORDER_EXAMPLE

    example = json.loads(json.dumps(ORDER_EXAMPLE))
    assert client.post("/create_checks/", json=example).status_code == 200


def test_the_example_of_api_yml_as_it_is(client, printers, fake_pdf):
    """The Order example of the contract itself (phone a number, point an int), read from api.yml."""
    yaml = pytest.importorskip("yaml")
    spec_file = ROOT.parent / "shared" / "specs" / "forfar" / "api.yml"
    if not spec_file.exists():
        pytest.skip("forfar/api.yml is not beside the repository")
    example = yaml.safe_load(spec_file.read_text(encoding="utf-8"))["components"]["schemas"]["Order"]["example"]
    response = client.post("/create_checks/", json=example)
    assert (response.status_code, response.get_json()) == (200, {"ok": "Чеки успешно созданы"})
    assert client.post("/create_checks/", json=example).get_json() == {"error": "Для данного заказа уже созданы чеки"}
