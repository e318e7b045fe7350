"""The rules every request passes, and what a page knows of its request (`main` builds the application).

Every request: the security headers (a Content-Security-Policy with no script at all, nosniff, no framing);
with a token, the token cookie (set once through /login, HttpOnly, SameSite=Strict) or the login page; every
POST a CSRF token (an HMAC of a random cookie, with this server's secret) and, with --read-only, a refusal.
Handlers are coroutines that do their work without awaiting in between: the language is one setting of the
process (`i18n.set_language`), decided at the start of each request and used to its end.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from coopctl import i18n
from coopctl.core.dates import DateError, parse_day
from coopctl.core.errors import CoopError
from coopctl.i18n import t

TOKEN_COOKIE = "coopctl_token"
CSRF_COOKIE = "coopctl_csrf"
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"),
           (b"cache-control", b"no-store")]
OPEN_PATHS = ("/login", "/static/")  # what a browser without the token cookie may ask for
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")  # the names a server without a token answers to


@dataclass
class Config:
    root: Path
    token: str | None = None
    read_only: bool = False
    as_of: date | None = None
    lang: str | None = None  # the pages' language unless ?lang= says otherwise (else the store's, as at the terminal)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    done: dict = field(default_factory=dict)  # what a write changed, shown once on the page it redirects to
    _loaded: tuple | None = None  # (the store files' fingerprint, the loaded store)
    _snapshots: dict = field(default_factory=dict)  # as-of date -> Snapshot, of the loaded store

    def loaded(self):
        """The store, read again only when one of its files changed (here or at a terminal): a page of a large
        store then costs the facts of its date, not the reading of thousands of files."""
        import gc

        from coopctl.storage.loader import load_valid

        mark = fingerprint(self.root)
        if self._loaded is None or self._loaded[0] != mark:
            self._loaded, self._snapshots = None, {}
            gc.collect()
            self._loaded = (mark, load_valid(self.root))
            gc.freeze()  # the store's millions of objects are never garbage: the collector need not walk them
        return self._loaded[1]

    def snapshot(self, as_of: date):
        """Every agreement's facts at `as_of` (`app.queries.Snapshot`), made once per date and store version."""
        from coopctl.app.queries import Snapshot

        loaded = self.loaded()
        found = self._snapshots.get(as_of)
        if found is None:
            while len(self._snapshots) >= 4:
                self._snapshots.pop(next(iter(self._snapshots)))
            found = self._snapshots[as_of] = Snapshot(loaded.store, as_of, vocabulary=loaded.vocabulary)
        return found


def fingerprint(root: Path) -> tuple:
    """What says the store's records changed: the settings file, every partner file (name, size, time, inode:
    a rewrite renames a new file in) and an unfinished change's journal."""
    import os

    from coopctl.storage.journal import JOURNAL
    from coopctl.storage.location import PARTNERS_DIR, SETTINGS_FILE

    def mark(path) -> tuple | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino

    try:
        with os.scandir(root / PARTNERS_DIR) as entries:
            files = sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size, e.inode()) for e in entries)
    except OSError:
        files = []
    return mark(root / SETTINGS_FILE), mark(root / JOURNAL), mark(root / PARTNERS_DIR), tuple(files)


class Ctx:
    """One request as the pages see it: its language and date, the CSRF token of its forms, links that keep
    ?lang= and ?as_of=."""

    def __init__(self, config: Config, request: Request):
        self.config, self.request = config, request
        self.lang_param = use_language(config, request)
        self.lang = i18n.language()
        self.as_of_param = request.query_params.get("as_of")
        self.as_of = config.as_of or date.today()
        if self.as_of_param:
            try:
                self.as_of = parse_day(self.as_of_param)
            except DateError as e:
                raise CoopError(t("as_of: {error}", error=e)) from None
        self.csrf_seed = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(18)
        self.csrf = csrf_token(config.secret, self.csrf_seed)

    def url(self, path: str, **params) -> str:
        from urllib.parse import quote, urlencode

        keep = {"lang": self.lang_param, "as_of": self.as_of_param}
        query = {k: v for k, v in (keep | params).items() if v not in (None, "", False)}
        return quote(path, safe="/-_.~") + ("?" + urlencode(query, doseq=True) if query else "")

    def finish(self, response: Response) -> Response:
        if self.request.cookies.get(CSRF_COOKIE) != self.csrf_seed:
            response.set_cookie(CSRF_COOKIE, self.csrf_seed, httponly=True, samesite="strict")
        return response


def use_language(config: Config, request: Request) -> str | None:
    """Set the request's language (?lang=, else the server's, else the store's); the ?lang= asked, if known."""
    asked = request.query_params.get("lang")
    lang_param = i18n.known(asked) if asked else None
    i18n.set_language(lang_param or config.lang or _store_language(config.root))
    return lang_param


def _store_language(root: Path) -> str:
    try:
        return i18n.choose(None, [root])
    except i18n.LanguageError:
        return i18n.ENGLISH


async def read_form(request: Request, max_files: int, max_fields: int):
    """The request's form, or None when Starlette cannot read it (not a form, a multipart body without its
    boundary, too many fields or files, a field above 1 MB): a refusal of the sender's, not a server error."""
    from starlette.exceptions import HTTPException

    try:
        return await request.form(max_files=max_files, max_fields=max_fields)
    except HTTPException:
        return None


def csrf_token(secret: bytes, seed: str) -> str:
    return hmac.new(secret, seed.encode(), hashlib.sha256).hexdigest()


def csrf_ok(config: Config, request: Request, sent: str | None) -> bool:
    seed = request.cookies.get(CSRF_COOKIE)
    return bool(seed and sent) and hmac.compare_digest(csrf_token(config.secret, seed), str(sent))


def token_ok(config: Config, value: str | None) -> bool:
    return config.token is None or (value is not None and hmac.compare_digest(value.encode(), config.token.encode()))


class Guard:
    """ASGI middleware: the security headers on every response, and the token rule on every request."""

    def __init__(self, app, config: Config):
        self.app, self.config = app, config

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + HEADERS
            await send(message)

        request = Request(scope)
        use_language(self.config, request)  # for the refusals below, not the previous request's language
        host = request.headers.get("host", "").lower()
        if self.config.token is None and host.rsplit(":", 1)[0] not in LOCAL_HOSTS and host not in LOCAL_HOSTS:
            # a page of another site that a DNS trick points at this computer: it could read this one's pages
            response = PlainTextResponse(t("refused: this server answers to 127.0.0.1 only (give --token to let "
                                           "other computers in)"), status_code=421)
            await response(scope, receive, with_headers)
            return
        if not scope["path"].startswith(OPEN_PATHS) and not token_ok(self.config, request.cookies.get(TOKEN_COOKIE)):
            if request.method in ("GET", "HEAD"):  # to the login page in the language asked
                from urllib.parse import urlencode

                lang = request.query_params.get("lang")
                response = RedirectResponse("/login" + ("?" + urlencode({"lang": lang}) if lang else ""),
                                            status_code=303)
            else:
                response = PlainTextResponse(t("log in first: this server needs its token"), status_code=401)
            await response(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)
