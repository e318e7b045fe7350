"""`coopctl serve`: the store in a browser (coopctl.web). The web stack (Starlette, uvicorn) is imported only when
the command runs, so that no other command starts slower."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from coopctl.cli.base import StoreOpt, UsageError, command, one_store, parsed, say
from coopctl.core.dates import parse_day
from coopctl.i18n import t

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@command()
def serve(
    store: StoreOpt = None,
    host: Annotated[str, typer.Option("--host", metavar="HOST", help=t("Address to listen on (default 127.0.0.1, this computer only; any other needs --token or --token-file)."))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", help=t("Port to listen on (0: any free port)."))] = 8765,
    token: Annotated[Optional[str], typer.Option("--token", metavar="TOKEN", help=t("A secret colleagues type once on the login page."))] = None,
    token_file: Annotated[Optional[Path], typer.Option("--token-file", metavar="FILE", help=t("Read the token from this file (its first line)."))] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help=t("Serve no form and refuse every change."))] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", metavar="DATE", help=t("Show the store as at this date instead of today (YYYY-MM-DD or DD/MM/YYYY)."))] = None,
) -> None:
    """Show the store in a browser: what needs attention, the agreements, coverage, the timeline, reports and
    search, with forms for the common changes (each made as the command line makes it). Stops on Ctrl-C.

    Example: coopctl serve --store ./jatim

    For a team on the office network: coopctl serve --host 0.0.0.0 --token-file ~/.coopctl-token
    """
    if token and token_file:
        raise UsageError(t("give --token or --token-file, not both"))
    if token_file is not None:
        try:
            # utf-8-sig: a file saved by Windows Notepad starts with a byte-order mark, which no colleague types
            token = token_file.read_text(encoding="utf-8-sig").splitlines()[0].strip() if token_file.stat().st_size else ""
        except (OSError, UnicodeDecodeError, IndexError) as e:
            raise UsageError(t("--token-file: {file} cannot be read: {reason}", file=str(token_file),
                               reason=getattr(e, "strerror", None) or e)) from None
    if token is not None and len(token) < 8:
        if token_file is not None:  # the option the person gave
            raise UsageError(t("--token-file: the token on the first line of {file} is shorter than 8 characters",
                               file=str(token_file)))
        raise UsageError(t("--token: use at least 8 characters"))
    if host not in LOOPBACK and not token:
        raise UsageError(t("--host {host} lets other computers in: give --token or --token-file", host=host))
    if not 0 <= port <= 65535:
        raise UsageError(t("--port must be from 0 to 65535"))
    day = parsed(parse_day, as_of, "--as-of")
    root = one_store(store)
    from coopctl.storage.loader import load_valid

    load_valid(root)  # a store that cannot be read is one line now, not an error page later
    from coopctl import i18n
    from coopctl.web.main import Config, run

    # the pages' language unless ?lang= says otherwise: --lang, COOPCTL_LANG, the store's setting, the locale
    run(Config(root.resolve(), token=token, read_only=read_only, as_of=day, lang=i18n.language()), host, port, say)
