"""`coopctl serve` in a real browser: Debian's chromium driven by Playwright (its own browser download is never
used; `.ci/run` installs chromium, and with COOPCTL_CI set these tests fail rather than skip when it is missing).

Servers run in-process, in threads, on free ports of 127.0.0.1, on temporary copies of the example store at the
article's date; one browser for the module, a fresh context (no cookies) per test."""

from __future__ import annotations

import json
import os
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopctl.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None
if (CHROMIUM is None or sync_playwright is None) and os.environ.get("COOPCTL_CI"):
    raise RuntimeError("chromium or playwright is missing: .ci/run installs them")
pytestmark = pytest.mark.skipif(CHROMIUM is None or sync_playwright is None,
                                reason="chromium (apt-get install chromium) or playwright is not installed")

AS_OF = date(2023, 8, 22)
WA = "western-australia-sister-state"
TOKEN = "team-token-2023"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions"]


class Server:
    """A `serve` of `root` on a free port, in a thread; `stop()` ends it as Ctrl-C would."""

    def __init__(self, root: Path, **options):
        import uvicorn

        from coopctl.web.main import Config, bind, make_app

        self.root = root
        sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(make_app(Config(root, as_of=AS_OF, **options)),
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        self.thread.join(0.05)
        while not self.server.started and self.thread.is_alive():
            self.thread.join(0.05)
        if not self.server.started:
            raise RuntimeError(f"the server of {root} did not start")

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)


def store_copy(tmp_path_factory, name: str) -> Path:
    from conftest import EXAMPLE

    root = tmp_path_factory.mktemp(name) / "jatim"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    from test_report_html import hostile_store

    made = {"main": Server(store_copy(tmp_path_factory, "main")),
            "team": Server(store_copy(tmp_path_factory, "team"), token=TOKEN),
            "read_only": Server(store_copy(tmp_path_factory, "read-only"), read_only=True),
            "hostile": Server(hostile_store(tmp_path_factory.mktemp("hostile")))}
    yield made
    for server in made.values():
        server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.said = []  # console messages, page errors and dialogs: a page of this server has none
    opened.on("console", lambda m: opened.said.append(f"console {m.type}: {m.text}"))
    opened.on("pageerror", lambda e: opened.said.append(f"error: {e}"))

    def dialog(d):
        opened.said.append(f"dialog: {d.message}")
        d.dismiss()

    opened.on("dialog", dialog)
    yield opened
    context.close()


def activities(root: Path) -> list[dict]:
    result = CliRunner().invoke(app, ["activities", "--agreement", WA, "--since", "2023-08-01", "--until",
                                      "2023-08-31", "--store", str(root), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_attention_page_shows_western_australia_and_its_next_step(servers, page):
    page.goto(servers["main"].url + "/")
    row = page.locator("#needs-attention tr", has_text="Western Australia")
    assert row.count() == 1
    text = row.inner_text()
    assert "renewing" in text and "Verification by the Ministry of Home Affairs" in text
    assert page.locator("link[rel=stylesheet]").count() == 2
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(27, 79, 128)"  # report.css
    assert not page.said, page.said


def test_a_page_prints_without_its_navigation_and_forms(servers, page):
    page.goto(servers["main"].url + "/agreements")
    assert page.locator("nav.site").is_visible() and page.locator("form.filters").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav.site").is_visible() and not page.locator("form.filters").is_visible()
    assert page.locator("#agreements").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_an_activity_recorded_in_the_browser_is_in_coopctl_activities(servers, page):
    page.goto(servers["main"].url + f"/agreements/{WA}")
    page.get_by_role("link", name="Record an activity").click()
    page.fill("#in-summary", "Video call with the WA Department of Education")
    page.fill("#in-date", "18/8/2023")
    page.select_option("#in-sector", "education")
    page.select_option("#in-type", "meeting")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/agreements/{WA}?done=*")
    assert "Saved: log western-australia-sister-state: 2023-08-18 meeting (education)" in page.inner_text(".done")
    assert [(a["date"], a["summary"]) for a in activities(servers["main"].root)] == [
        ("2023-08-18", "Video call with the WA Department of Education")]
    assert not page.said, page.said


def test_a_bad_date_shows_its_error_by_the_field_and_keeps_what_was_typed(servers, page):
    page.goto(servers["main"].url + f"/agreements/{WA}/activity")
    page.fill("#in-summary", "Courtesy call at Grahadi")
    page.fill("#in-date", "32/8/2023")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    field = page.locator("#field-date")
    assert "invalid" in field.get_attribute("class")
    assert field.locator(".field-error").inner_text().strip()
    assert page.input_value("#in-date") == "32/8/2023"
    assert page.input_value("#in-summary") == "Courtesy call at Grahadi"
    assert "coopctl: error:" in page.inner_text("#form-error")
    assert activities(servers["main"].root) == [] or all(a["summary"] != "Courtesy call at Grahadi"
                                                         for a in activities(servers["main"].root))


def test_a_page_of_hostile_names_runs_no_script(servers, page):
    for path in ("/", "/agreements", "/partners/h0", "/agreements/h0-pks", "/timeline", "/search?q=script"):
        page.goto(servers["hostile"].url + path)
        assert page.locator("script, img, iframe").count() == 0, path
    assert "<script>alert(1)</script>" in page.content().replace("&lt;", "<").replace("&gt;", ">")
    assert not page.said, page.said


def test_a_post_from_another_site_is_refused(servers, page):
    """A form on another origin posting to the server: without the CSRF token (403), and to a team server after
    logging in, without the cookie too (SameSite=Strict keeps it home: 401). Nothing is written."""
    main, team = servers["main"], servers["team"]
    forged = ('<form method="post" action="{url}/agreements/{id}/activity"><input name="summary" value="forged">'
              '<input name="date" value="2023-08-20"><input name="sector" value="education">'
              '<button>go</button></form>')
    page.goto(main.url + "/")  # the CSRF cookie is set, as for anyone who visited
    page.goto("about:blank")  # another site's page
    page.set_content(forged.format(url=main.url, id=WA))
    with page.expect_navigation():
        page.click("button")
    assert page.locator("body").inner_text().count("refused") == 1
    page.goto(team.url + "/")
    assert page.url.endswith("/login")
    page.fill("#in-token", TOKEN)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(team.url + "/")
    assert page.locator("#needs-attention").count() == 1
    page.goto("about:blank")
    page.set_content(forged.format(url=team.url, id=WA))
    with page.expect_navigation():
        page.click("button")
    assert "log in first" in page.locator("body").inner_text()
    assert all(a["summary"] != "forged" for a in activities(main.root) + activities(team.root))


def test_read_only_shows_no_form(servers, page):
    url = servers["read_only"].url
    page.goto(url + f"/agreements/{WA}")
    assert "Read-only" in page.inner_text("header")
    assert page.locator("form[method=post]").count() == 0
    assert page.get_by_role("link", name="Record an activity").count() == 0
    assert not page.said, page.said
    page.goto(url + "/add")  # no such page (404)
    assert page.locator("form[method=post]").count() == 0
