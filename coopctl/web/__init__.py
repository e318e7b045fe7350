"""`coopctl serve`: the same store in a browser, for colleagues who do not use a terminal.

An interface layer beside `coopctl.cli`: it reads through `app.queries`/`app.reports` and writes through the
same `app.operations` in the same transaction (lock, checks, git commit) as the command line. Starlette,
uvicorn and python-multipart are imported only here, when `serve` runs.

    server.py   the Starlette application: routes, the token and CSRF rules, security headers, run()
    pages.py    the pages that read (attention, agreements, one agreement or partner, coverage, timeline,
                periodic report, search), each also as JSON and CSV
    forms.py    the forms that write (activity, milestone, renewal, new agreement, attach)
    render.py   the templates (web/templates, which extend the report's look in views/templates) and words
"""
