"""Logging in to the benchmark server: a session for the pages, a token for the API (demo logins)."""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .measure import connection

PASSWORD = "demo-portal-2026"  # noqa: S105 - the demo logins' published password (portal/demo.py)
ANONYMOUS: dict[str, str] = {}
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {key: morsel.value for key, morsel in jar.items()}


def session(base: str, username: str) -> dict[str, str]:
    """Headers that carry a logged-in session (the login form, as a browser posts it)."""
    conn = connection(base)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = _cookies(response.getheaders())
    match = _CSRF_FIELD.search(page)
    if match is None:
        raise RuntimeError("the login page has no CSRF field")
    form = urlencode({"csrfmiddlewaretoken": match.group(1), "username": username, "password": PASSWORD})
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response.getheaders()))
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login as {username} failed: {response.status}")
    conn.close()
    return {"Cookie": f"sessionid={cookies['sessionid']}"}


def token(base: str, username: str) -> dict[str, str]:
    """Headers that carry an API token (POST /api/v1/auth/token/)."""
    conn = connection(base)
    body = json.dumps({"username": username, "password": PASSWORD})
    conn.request("POST", "/api/v1/auth/token/", body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    payload = json.loads(response.read())
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"no token for {username}: {payload}")
    return {"Authorization": f"Token {payload['token']}"}
