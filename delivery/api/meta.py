"""Health check."""
from __future__ import annotations

from flask import jsonify
from flask.views import MethodView

from delivery.api.blueprint import Blueprint

blp = Blueprint("meta", __name__, description="Health check")

PONG_DOC = {
    "200": {
        "description": "The app is up",
        "content": {"application/json": {"schema": {"type": "string", "enum": ["pong"]}}},
    }
}


@blp.route("/ping")
class Ping(MethodView):
    @blp.doc(responses=PONG_DOC)
    def get(self):
        """Answer "pong" while the app is up."""
        return jsonify("pong")
