"""The one helper behind every page: the full page normally, only the fragment for htmx."""
from __future__ import annotations

from flask import make_response, render_template
from htmx_flask import request


def wants_fragment() -> bool:
    """True for htmx swaps; a history restore after a cache miss needs the whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def page(template: str, fragment: str | None = None, **context):
    """Render `template`, or just `fragment` when htmx asks; caches must tell the two apart."""
    chosen = fragment if (fragment and wants_fragment()) else template
    response = make_response(render_template(chosen, **context))
    response.headers.add("Vary", "HX-Request")
    response.headers.add("Vary", "Accept-Language")  # the language too (or the `lang` cookie)
    return response
