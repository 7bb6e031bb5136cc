"""The one helper behind every page: the full page normally, only the fragment for htmx.

Fragments fetched with GET carry an ETag, so the live pages' polls (every second, see `app.js`) cost a
render and a hash but no transfer and no swap while nothing changed: the browser revalidates its copy
(`Cache-Control: no-cache`) and gets a 304.
"""
from __future__ import annotations

import hashlib
import re

from flask import make_response, render_template
from htmx_flask import request

# CSRF tokens are signed afresh on every render (and never expire: WTF_CSRF_TIME_LIMIT is None), so
# they are left out of the ETag: a fragment that differs only in them is the same fragment.
_CSRF_VALUE = re.compile(rb'(name="csrf_token"[^>]*?value=")[^"]*(")')


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
    if chosen == fragment and request.method == "GET":
        response.headers[_LIVE] = "1"  # `conditional` below, once the view has set the status
    return response


_LIVE = "X-Delivery-Fragment"


def conditional(response):
    """The blueprint's after-request hook: a 200 GET fragment gets its ETag, and a 304 when it matches."""
    if response.headers.pop(_LIVE, None) and response.status_code == 200:
        body = _CSRF_VALUE.sub(rb"\1\2", response.get_data())
        response.set_etag(hashlib.blake2b(body, digest_size=16).hexdigest())
        response.headers["Cache-Control"] = "private, no-cache"
        response.make_conditional(request)
    return response
