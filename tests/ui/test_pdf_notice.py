"""Without wkhtmltopdf the home and checks pages say plainly that PDFs wait, and how to install it."""
import pytest

from delivery.extensions import db

NOTICE = "PDFs are waiting."


@pytest.fixture
def signed_in(make_app, app):
    def build(**overrides):
        other = make_app(**overrides)
        client = other.test_client()
        with other.app_context():
            from delivery.services.users import create_user

            create_user(db.session(), "pat", "pw-pw-pw")
        assert client.post("/login", data={"username": "pat", "password": "pw-pw-pw"}).status_code == 302
        return client

    return build


@pytest.mark.parametrize("path", ["/", "/ui/checks"])
def test_missing_wkhtmltopdf_is_announced(signed_in, path):
    client = signed_in(WKHTMLTOPDF="/nonexistent/wkhtmltopdf")
    page = client.get(path).get_data(as_text=True)
    assert NOTICE in page
    assert "apt-get install -y wkhtmltopdf" in page


@pytest.mark.parametrize("path", ["/", "/ui/checks"])
def test_no_notice_when_it_is_there(signed_in, path, tmp_path):
    fake = tmp_path / "wkhtmltopdf"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    client = signed_in(WKHTMLTOPDF=str(fake))
    assert NOTICE not in client.get(path).get_data(as_text=True)
