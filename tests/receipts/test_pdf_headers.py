"""A check's PDF is viewable in the browser's own PDF viewer: no page policy on it (Chromium's viewer
needs `object-src` and inline styles), but still no framing and no sniffing."""
from __future__ import annotations


def test_pdf_downloads_carry_a_policy_the_pdf_viewer_accepts(client, printers, order, fake_pdf, login):
    assert client.post("/create_checks/", json=order).status_code == 200
    download = client.get("/check/?api_key=key1&check_id=1")
    login("admin")
    shown = client.get("/admin/check/pdf/2")
    for response in (download, shown):
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Pages keep the full policy.
    assert "default-src 'self'" in client.get("/admin/check/").headers["Content-Security-Policy"]
