"""Flask's signed-cookie sessions, with the signing serializer made once per set of keys.

Flask builds a new serializer (and its signer) on every request, a session cookie or not; for the
JSON APIs, which never use the session, that was a fifth of what answering `/ping` costs.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    """`SecureCookieSessionInterface` reusing its serializer while the secret key and fallbacks stay."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer
