"""The one helper behind every page: the full page normally, only the fragment for htmx."""
from __future__ import annotations

from flask import make_response, render_template
from htmx_flask import request


def page(template: str, fragment: str | None = None, **context):
    """Render `template`, or just `fragment` when htmx asks; caches must tell the two apart."""
    chosen = fragment if (fragment and request.htmx and not request.htmx.boosted) else template
    response = make_response(render_template(chosen, **context))
    response.headers.add("Vary", "HX-Request")
    return response
