"""The web application: its routes (`make_app`) and `run`, which serves it with uvicorn on a socket bound here."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from coopctl.core.errors import CoopError
from coopctl.i18n import t
from coopctl.web import forms, pages
from coopctl.web.server import Config, Guard


def make_app(config: Config) -> Starlette:
    routes = [Route(path, pages.bind(handler, config), methods=["GET", "HEAD"]) for path, handler in pages.ROUTES]
    routes += [Route(path, forms.bind(handler, config), methods=["GET", "HEAD", "POST"])
               for path, handler in forms.ROUTES]
    routes += [Route("/login", pages.bind(pages.login, config), methods=["GET", "HEAD", "POST"])]

    async def unrouted(request, error):
        """An address no page has, or a method it does not take: a page in the request's language, not
        Starlette's English 'Not Found'."""
        from coopctl.web import render

        ctx = pages.context(config, request)
        message = t("not found") if error.status_code == 404 else \
            t("this address does not answer to {method}", method=request.method)
        response = render.page(ctx, "message.html.j2", t("Error"), status=error.status_code, data_links=False,
                               message=message)
        response.headers.update(getattr(error, "headers", None) or {})  # 405's Allow
        return response

    app = Starlette(routes=routes, exception_handlers={404: unrouted, 405: unrouted})
    return Guard(app, config)


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def bind(host: str, port: int):
    """The listening socket, bound here so that a port in use is one clear line (and port 0 picks a free one)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise CoopError(t("cannot listen on {host} port {port}: {reason}", host=host, port=port,
                          reason=e.strerror or e)) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run(config: Config, host: str, port: int, say) -> None:
    """Serve until Ctrl-C or SIGTERM (uvicorn stops cleanly on both), after saying the address to open."""
    import uvicorn

    sock = bind(host, port)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(make_app(config), log_level="warning", access_log=False,
                                           server_header=False, lifespan="off"))
    say(t("Serving {store} at {address} (Ctrl-C to stop)", store=str(config.root), address=address(host, port)))
    server.run(sockets=[sock])
