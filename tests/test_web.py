"""`coopctl serve` without a browser: every route's status, the token and CSRF rules, --read-only, the security
headers, and the forms writing through the same operations as the command line (Starlette's TestClient, which
runs the application in-process; the store is a temporary copy of the example, the date fixed)."""

from __future__ import annotations

import html
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from coopctl.cli import app
from coopctl.web.main import Config, make_app
from test_report_html import elements, hostile_store

AS_OF = date(2023, 8, 22)
WA = "western-australia-sister-state"
runner = CliRunner()


def client(root: Path, **options) -> TestClient:
    return TestClient(make_app(Config(root, as_of=AS_OF, **options)), base_url="http://127.0.0.1:8765",
                      follow_redirects=False)


def csrf(c: TestClient, path: str) -> str:
    page = c.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def august(root: Path) -> list[dict]:
    """The activities recorded under Western Australia in August 2023 (the example has none)."""
    return cli_json("activities", "--agreement", WA, "--since", "2023-08-01", "--until", "2023-08-31", "--store",
                    str(root))


def cli_json(*args: str):
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


READS = ["/", "/?lang=id", "/agreements", "/agreements?sector=vokasi&country=AU", "/agreements?state=lapsed",
         "/agreements?category=KSDPL&partner=osaka", f"/agreements/{WA}", "/partners/western-australia",
         "/coverage", "/timeline", "/periodic", "/periodic?period=2023-S1", "/search", "/search?q=osaka",
         "/static/report.css", "/static/web.css", "/login"]


@pytest.mark.parametrize("path", READS)
def test_every_page_answers_with_the_security_headers(example, path):
    response = client(example).get(path)
    assert response.status_code in (200, 303), response.text  # /login without a token goes home
    csp = response.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path,status", [
    ("/agreements/no-such-agreement", 404), ("/partners/nobody", 404), ("/static/../coopctl.toml", 404),
    (f"/agreements/{WA}/documents/" + "0" * 64, 404), (f"/agreements/{WA}/documents/..%2F..%2Fcoopctl.toml", 404),
    ("/?as_of=31/31/2023", 400), ("/agreements?state=sleeping", 400), ("/agreements?sector=astrology", 400),
    ("/?format=xml", 400), ("/periodic?period=2023-Q9", 400), ("/nowhere", 404)])
def test_bad_addresses_and_values_get_their_status_and_one_line(example, path, status):
    response = client(example).get(path)
    assert response.status_code == status
    assert "Traceback" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    if status == 400:
        assert "coopctl: error:" in response.text


def test_the_attention_page_shows_western_australia_and_its_next_step(example):
    page = client(example).get("/").text
    row = re.search(r"<tr><td><a href=\"/partners/western-australia\">.*?</tr>", page, re.S).group(0)
    assert "renewing" in row and "Verification by the Ministry of Home Affairs" in row


def test_the_pages_speak_indonesian_when_asked(example):
    page = client(example).get("/?lang=id").text
    assert '<html lang="id">' in page and "Perlu perhatian" in page
    assert 'href="/agreements?lang=id"' in page  # the links keep the language


def test_the_data_links_give_the_command_lines_json_and_a_csv(example):
    c = client(example)
    rows = c.get("/?format=json").json()
    assert rows == cli_json("renew", "--store", str(example), "--as-of", AS_OF.isoformat())
    listed = c.get("/agreements?format=json&sector=vokasi").json()
    assert listed == cli_json("list", "--sector", "vokasi", "--store", str(example), "--as-of", AS_OF.isoformat())
    csv = c.get("/agreements?format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("id,partner,partner_id,country")
    assert f"{WA}," in csv.text


def test_a_page_of_hostile_names_is_text(tmp_path):
    root = hostile_store(tmp_path)
    c = client(root)
    for path in ("/", "/agreements", "/partners/h0", "/agreements/h0-pks", "/timeline", "/coverage"):
        tags = elements(c.get(path).text)
        assert not [tag for tag, attrs in tags if tag in ("script", "img", "iframe")], path
        assert not [attrs for tag, attrs in tags if any(name.startswith("on") for name in attrs)], path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in c.get("/agreements").text


# ---------------------------------------------------------------- the token


def test_a_token_is_asked_for_once_and_kept_in_a_strict_httponly_cookie(example):
    c = client(example, token="s3cret-token-1")
    first = c.get("/agreements")
    assert first.status_code == 303 and first.headers["location"] == "/login"
    assert c.get("/?format=json").status_code == 303  # the data too
    assert c.post("/login", data={"token": "wrong-token"}).status_code == 401
    logged = c.post("/login", data={"token": "s3cret-token-1"})
    assert logged.status_code == 303
    cookie = logged.headers["set-cookie"]
    assert "coopctl_token=s3cret-token-1" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert c.get("/agreements").status_code == 200


def test_a_post_without_the_login_cookie_is_refused(example):
    c = client(example, token="s3cret-token-1")
    response = c.post(f"/agreements/{WA}/activity", data={"summary": "x", "date": "2023-08-01", "sector": "education"})
    assert response.status_code == 401
    assert not august(example)


# ---------------------------------------------------------------- forms


def test_an_activity_recorded_in_the_form_is_in_coopctl_activities(example):
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/activity")
    response = c.post(f"/agreements/{WA}/activity", data={
        "csrf": token, "summary": "Study visit of <b>WA</b> teachers", "date": "15/8/2023", "sector": "education",
        "type": "visit-in", "participants": "12"})
    assert response.status_code == 303, response.text
    page = c.get(response.headers["location"])
    assert "Saved: log western-australia-sister-state: 2023-08-15 visit-in (education)" in page.text
    assert "Study visit of &lt;b&gt;WA&lt;/b&gt; teachers" in page.text
    rows = august(example)
    assert [(r["date"], r["summary"], r["participants"]) for r in rows] == [
        ("2023-08-15", "Study visit of <b>WA</b> teachers", 12)]


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(example):
    c = client(example)
    c.get("/")  # the CSRF cookie, but no token in the form
    data = {"summary": "forged", "date": "2023-08-01", "sector": "education"}
    assert c.post(f"/agreements/{WA}/activity", data=data).status_code == 403
    assert c.post(f"/agreements/{WA}/activity", data=data | {"csrf": "0" * 64}).status_code == 403
    other = client(example)  # a token made for another browser's cookie
    assert other.post(f"/agreements/{WA}/activity", data=data | {"csrf": csrf(c, "/add")}).status_code == 403
    assert not august(example)


def test_a_bad_date_is_shown_by_its_field_and_what_was_typed_stays(example):
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/activity")
    response = c.post(f"/agreements/{WA}/activity", data={
        "csrf": token, "summary": "Dinner with the consul", "date": "31/02/2023", "sector": "education"})
    assert response.status_code == 400
    field = re.search(r'<div class="field invalid" id="field-date">.*?</div>', response.text, re.S).group(0)
    assert 'value="31/02/2023"' in field and 'class="field-error"' in field
    assert "Dinner with the consul" in response.text
    assert "coopctl: error:" in response.text


def test_the_operations_refusal_is_the_command_lines_line_by_its_field(example):
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/activity")
    response = c.post(f"/agreements/{WA}/activity", data={
        "csrf": token, "summary": "Orbit", "date": "2023-08-01", "sector": "space"})
    assert response.status_code == 400
    cli = runner.invoke(app, ["log", WA, "Orbit", "--date", "2023-08-01", "--sector", "space", "--store",
                              str(example)])
    assert cli.exit_code == 1
    line = cli.stderr.strip()
    assert f'<p class="error" role="alert" id="form-error">{line}</p>'.replace("'", "&#39;") in response.text
    assert 'value="Orbit"' not in response.text and ">Orbit</textarea>" in response.text


def test_a_renewal_is_never_recorded_as_signed_by_default(example):
    c = client(example)
    target = "osaka-sister-province"
    token = csrf(c, f"/agreements/{target}/renewal")
    refused = c.post(f"/agreements/{target}/renewal", data={"csrf": token, "until": "2030-12-31", "from": "2026-01-01"})
    assert refused.status_code == 400 and "never recorded as signed by default" in refused.text
    before = cli_json("show", target, "--store", str(example))
    ok = c.post(f"/agreements/{WA}/renewal", data={"csrf": token, "what": "signed", "until": "2028",
                                                   "signed": "2023-09-05"})
    assert ok.status_code in (303, 400)
    assert cli_json("show", target, "--store", str(example)) == before


def test_a_pending_renewal_and_its_signing(empty_store):
    c = client(empty_store)
    token = csrf(c, "/add")
    added = c.post("/add", data={"csrf": token, "partner": "Kota Kyoto", "title": "MoU on heritage", "type": "mou",
                                 "sectors": "culture, pariwisata", "start": "2019-01-01", "end": "2023-12-31",
                                 "signed": "2018-12-20", "country": "JP", "kind": "foreign-local-gov"})
    assert added.status_code == 303, added.text
    [row] = cli_json("list", "--store", str(empty_store), "--as-of", "2023-08-22")
    assert (row["partner"], row["sectors"], row["end"]) == ("Kota Kyoto", ["culture", "tourism"], "2023-12-31")
    pending = c.post(f"/agreements/{row['id']}/renewal", data={"csrf": token, "what": "pending", "until": "2028-12-31",
                                                                         "recorded": "2023-07-01"})
    assert pending.status_code == 303, pending.text
    assert cli_json("list", "--store", str(empty_store), "--as-of", "2023-08-22")[0]["state"] == "renewing"
    signed = c.post(f"/agreements/{row['id']}/renewal", data={"csrf": token, "what": "sign", "signed": "2023-11-30"})
    assert signed.status_code == 303, signed.text
    assert cli_json("list", "--store", str(empty_store), "--as-of", "2024-01-02")[0]["end"] == "2028-12-31"


def test_add_keeps_what_was_typed_when_refused(empty_store):
    c = client(empty_store)
    token = csrf(c, "/add")
    response = c.post("/add", data={"csrf": token, "partner": "Kota Kyoto", "title": "MoU on heritage",
                                    "type": "mou", "start": "2019-01-01"})
    assert response.status_code == 400  # a new partner needs its country and kind
    assert 'value="Kota Kyoto"' in response.text and 'value="MoU on heritage"' in response.text
    assert cli_json("list", "--store", str(empty_store)) == []


PDF = b"%PDF-1.4\n% coopctl test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_attach_a_document_and_download_it_by_its_hash(example):
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/attach")
    response = c.post(f"/agreements/{WA}/attach", data={"csrf": token, "kind": "signed-text", "number": "120/2023"},
                      files={"file": ("../../naskah WA.pdf", PDF, "application/pdf")})
    assert response.status_code == 303, response.text
    [doc] = [d for d in cli_json("docs", WA, "--store", str(example)) if d["number"] == "120/2023"]
    assert doc["name"] == "naskah WA.pdf" and doc["media_type"] == "application/pdf"
    page = c.get(f"/agreements/{WA}").text
    assert f'href="/agreements/{WA}/documents/{doc["sha256"]}"' in page
    download = c.get(f"/agreements/{WA}/documents/{doc['sha256']}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert c.get(f"/agreements/osaka-sister-province/documents/{doc['sha256']}").status_code == 404


@pytest.mark.parametrize("name,data,expected", [
    ("tool.exe", b"MZ\x90\x00", "cannot be kept here"), ("", b"", "choose a file")])
def test_an_upload_of_the_wrong_kind_is_refused_by_its_field(example, name, data, expected):
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/attach")
    response = c.post(f"/agreements/{WA}/attach", data={"csrf": token, "kind": "signed-text"},
                      files={"file": (name, data, "application/octet-stream")})
    assert response.status_code == 400 and expected in response.text
    assert not list((example / "documents").rglob("*.tmp")) if (example / "documents").exists() else True


def test_a_pdf_that_is_not_one_is_kept_as_it_is_as_attach_does(example):
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/attach")
    response = c.post(f"/agreements/{WA}/attach", data={"csrf": token, "kind": "signed-text"},
                      files={"file": ("fake.pdf", b"not a pdf", "application/octet-stream")})
    assert response.status_code == 303, response.text
    [doc] = cli_json("docs", WA, "--store", str(example))
    assert doc["name"] == "fake.pdf" and doc.get("media_type") != "application/pdf"


def test_a_milestone_with_its_letter(example):
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/milestone")
    response = c.post(f"/agreements/{WA}/milestone", data={"csrf": token, "step": "verification",
                                                           "date": "2023-08-01", "ref": "100/123/2023"},
                      files={"doc": ("surat.pdf", PDF, "application/pdf")})
    assert response.status_code == 303, response.text
    shown = cli_json("show", WA, "--store", str(example))
    assert shown["milestones"][-1]["id"] == "verification" and shown["milestones"][-1]["ref"] == "100/123/2023"
    assert shown["documents"][-1]["step"] == "verification"


def test_read_only_serves_no_form_and_refuses_every_write(example):
    c = client(example, read_only=True)
    page = c.get(f"/agreements/{WA}").text
    assert 'method="post"' not in page and "/activity" not in page
    assert "Read-only" in page
    for path in (f"/agreements/{WA}/activity", f"/agreements/{WA}/renewal", f"/agreements/{WA}/attach", "/add"):
        assert c.get(path).status_code == 404
        assert c.post(path, data={"summary": "x"}).status_code == 403
    assert not august(example)


def test_a_write_in_a_git_backed_store_is_one_commit(tmp_path, git_identity):
    root = tmp_path / "jatim"
    assert runner.invoke(app, ["init", "--sample", "--git", "--store", str(root)]).exit_code == 0
    c = client(root)
    token = csrf(c, f"/agreements/{WA}/activity")
    response = c.post(f"/agreements/{WA}/activity", data={
        "csrf": token, "summary": "Video call on the 2023 extension", "date": "2023-08-10", "sector": "education",
        "type": "meeting"})
    assert response.status_code == 303, response.text
    log = subprocess.run(["git", "-C", str(root), "log", "--format=%s"], capture_output=True, text=True).stdout
    assert log.splitlines()[0].startswith(f"log {WA}: 2023-08-10 meeting")
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True).stdout
    assert status == ""


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize("args,message", [
    (["--host", "0.0.0.0"], "give --token or --token-file"),
    (["--host", "192.168.1.10", "--token", "short"], "at least 8 characters"),
    (["--token", "s3cret-token-1", "--token-file", "x"], "not both"),
    (["--port", "70000"], "--port"),
    (["--as-of", "someday"], "--as-of"),
])
def test_serve_refuses_what_it_cannot_do_safely(example, args, message):
    result = runner.invoke(app, ["serve", "--store", str(example), *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_a_missing_token_file(example, tmp_path):
    result = runner.invoke(app, ["serve", "--store", str(example), "--host", "0.0.0.0", "--token-file",
                                 str(tmp_path / "none")])
    assert result.exit_code == 2 and "--token-file" in result.stderr


@pytest.mark.parametrize("content", ["", "short\n", "\n12345678\n"])
def test_serve_names_the_token_file_whose_token_is_too_short(example, tmp_path, content):
    """It said '--token: use at least 8 characters' to a person who gave --token-file."""
    secret = tmp_path / "token"
    secret.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["serve", "--store", str(example), "--host", "0.0.0.0", "--token-file", str(secret)])
    assert result.exit_code == 2
    assert result.stderr == (f"coopctl: error: --token-file: the token on the first line of {secret} is shorter than "
                             "8 characters\n")


def test_help_does_not_import_the_web_stack():
    code = ("import sys; from coopctl.cli import app; import typer; "
            "typer.main.get_command(app); print(any(m.split('.')[0] in ('starlette', 'uvicorn') for m in sys.modules))")
    out = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_a_write_in_the_browser_and_one_at_the_terminal_at_the_same_moment_both_land(example):
    import sys

    c = client(example)
    token = csrf(c, f"/agreements/{WA}/activity")
    terminal = subprocess.Popen([sys.executable, "-m", "coopctl", "log", WA, "Logged at the terminal", "--date",
                                 "2023-08-03", "--sector", "trade", "--store", str(example)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    response = c.post(f"/agreements/{WA}/activity", data={
        "csrf": token, "summary": "Logged in the browser", "date": "2023-08-04", "sector": "education"})
    _, err = terminal.communicate(timeout=120)
    assert terminal.returncode == 0, err
    assert response.status_code == 303, response.text
    assert sorted(a["summary"] for a in august(example)) == ["Logged at the terminal", "Logged in the browser"]
    assert "Logged at the terminal" in c.get(f"/agreements/{WA}").text  # the server sees the terminal's change


def test_a_server_without_a_token_answers_to_this_computers_names_only(example):
    c = client(example)
    assert c.get("/", headers={"host": "localhost:8765"}).status_code == 200
    assert c.get("/", headers={"host": "[::1]:8765"}).status_code == 200
    rebound = c.get("/", headers={"host": "attacker.example:8765"})  # DNS rebinding: another site's name
    assert rebound.status_code == 421 and "127.0.0.1 only" in rebound.text
    team = client(example, token="s3cret-token-1")
    assert team.get("/login", headers={"host": "192.168.1.10:8765"}).status_code == 200


def test_serve_prints_the_address_serves_the_attention_page_and_stops_on_sigterm_and_ctrl_c(example):
    import signal
    import sys
    import urllib.request

    # uvicorn shuts down (open connections finish), then lets the signal end the process as it would have
    for stop, ends in ((signal.SIGTERM, (0, -signal.SIGTERM)), (signal.SIGINT, (0, 130))):
        server = subprocess.Popen([sys.executable, "-m", "coopctl", "serve", "--store", str(example), "--port", "0",
                                   "--as-of", "2023-08-22"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stderr.readline()
            address = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
            with urllib.request.urlopen(address, timeout=60) as page:
                assert page.status == 200 and "Western Australia" in page.read().decode()
            server.send_signal(stop)
            out, err = server.communicate(timeout=60)
        finally:
            if server.poll() is None:
                server.kill()
        assert server.returncode in ends, err
        assert "Traceback" not in err and "Error" not in err


@pytest.mark.parametrize("value,kept", [("6000000000", 6000000000), ("6.000.000.000", 6000000000),
                                        ("6,000,000", 6000000), ("1,5", None), ("-3", None), ("12abc", None)])
def test_a_number_is_read_as_people_write_it_or_refused_by_its_field(example, value, kept):
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/activity")
    response = c.post(f"/agreements/{WA}/activity", data={
        "csrf": token, "summary": "Grant for the vocational exchange", "date": "2023-08-05", "sector": "education",
        "type": "grant", "value": value, "currency": "IDR"})
    if kept is None:
        assert response.status_code == 400
        assert "is not a whole number" in re.search(r'id="field-value">.*?</div>', response.text, re.S).group(0)
        assert august(example) == []
    else:
        assert response.status_code == 303, response.text
        assert [a["value"] for a in august(example)] == [kept]


def test_a_bad_as_of_is_refused_in_the_language_asked(example):
    """?as_of= was refused on a page that had lost ?lang=id: 'coopctl: error:' and the page in English around the
    Indonesian message."""
    response = client(example).get("/?as_of=2023-13-45&lang=id")
    assert response.status_code == 400
    assert '<html lang="id">' in response.text
    assert "coopctl: kesalahan: as_of: &#39;2023-13-45&#39; tidak memiliki bulan 13" in response.text
    assert "coopctl: error" not in response.text


def test_a_missing_value_is_named_by_its_label_in_the_pages_language(example):
    """An empty required field was named by the form's internal name: 'summary belum diberikan' on an Indonesian
    page, 'missing date' for the field labelled Date."""
    c = client(example)
    page = f"/agreements/{WA}/activity?lang=id"
    response = c.post(page, data={"csrf": csrf(c, page), "summary": "", "date": "", "sector": "trade"})
    assert response.status_code == 400
    assert 'id="error-summary">Ringkasan belum diberikan' in response.text
    assert 'id="error-date">Tanggal belum diberikan' in response.text
    response = c.post("/add", data={"csrf": csrf(c, "/add"), "partner": "osaka", "title": "", "type": "mou",
                                    "start": "2024"})
    assert 'id="error-title">missing Title' in response.text


@pytest.mark.parametrize("body", [b"summary=%ff%fe+bad", b"summary=\xff\xfe raw", b"summ%e9ry=x"])
def test_a_form_whose_text_is_not_utf8_is_refused_and_writes_nothing(example, body):
    """A form's bytes that are not UTF-8 were kept as U+FFFD or as Latin-1 ('ÿþ raw'), where the command line
    refuses them; a browser never sends them."""
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/activity")
    response = c.post(f"/agreements/{WA}/activity", content=body + f"&csrf={token}&date=2023-08-20&sector=trade"
                      .encode(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert "refused: the form&#39;s text is not UTF-8" in response.text
    assert august(example) == []


@pytest.mark.parametrize("page, command", [("/coverage", ["coverage"]), ("/timeline", ["timeline"]),
                                           ("/timeline?partner=osaka", ["timeline", "--partner", "osaka"])])
def test_coverage_and_timeline_give_the_command_lines_json_and_csv(example, page, command):
    """The coverage and timeline data links lacked the command line's `owner`; coverage's CSV had an empty
    partner_id column and a Python dict for its sectors, timeline's CSV other columns than `timeline --format csv`."""
    c = client(example)
    where = ["--store", str(example), "--as-of", AS_OF.isoformat()]
    joiner = "&" if "?" in page else "?"
    assert c.get(f"{page}{joiner}format=json").json() == cli_json(*command, *where)
    result = runner.invoke(app, [*command, *where, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert c.get(f"{page}{joiner}format=csv").text == result.stdout


def test_the_login_page_and_the_refusals_keep_the_language_asked(example):
    """The way to the login page dropped ?lang=id (an English login page for an Indonesian link), its form posted
    without it, and the refusal of a POST without the token was in whatever language the previous request used."""
    c = client(example, token="s3cret-token-1")
    first = c.get("/agreements?lang=id")
    assert first.status_code == 303 and first.headers["location"] == "/login?lang=id"
    page = c.get("/login?lang=id").text
    assert '<html lang="id">' in page and 'action="/login?lang=id"' in page
    refused = c.post(f"/agreements/{WA}/activity", data={"summary": "x"})  # after an Indonesian page
    assert refused.status_code == 401 and refused.text == "log in first: this server needs its token"
    logged = c.post("/login?lang=id", data={"token": "s3cret-token-1"})
    assert logged.status_code == 303 and logged.headers["location"] == "/?lang=id"


def table_rows(page: str, table_id: str) -> list[list[str]]:
    """The text of each body cell of the table `table_id`, row by row."""
    table = page[page.index(f'<table id="{table_id}">'):]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_an_indonesian_agreement_and_partner_page_name_types_kinds_and_dates_in_indonesian(example):
    """The agreement page showed activity types ('event'), document kinds ('signed-text') and signing dates
    ('1990-08-21') as stored, and the partner page its kind ('foreign-local-gov'), on Indonesian pages where
    `show --lang id` writes them in Indonesian."""
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/attach")
    assert c.post(f"/agreements/{WA}/attach", data={"csrf": token, "kind": "signed-text"},
                  files={"file": ("naskah.pdf", PDF, "application/pdf")}).status_code == 303
    page = c.get(f"/agreements/{WA}?lang=id").text
    assert [a[2] for a in table_rows(page, "activities")] == ["Agenda", "Catatan", "Pertemuan"]
    assert table_rows(page, "terms")[0][1] == "21 Agustus 1990"
    assert table_rows(page, "documents")[0][0] == "Naskah yang ditandatangani"
    assert "<th>Jenis dokumen</th>" in page and "Jenis mitra" not in page  # a document's kind, not a partner's
    assert "Jenis dokumen" in c.get(f"/agreements/{WA}/attach?lang=id").text
    partner = c.get("/partners/western-australia?lang=id").text
    assert "Pemerintah daerah di luar negeri" in partner and "foreign-local-gov" not in partner
    english = c.get(f"/agreements/{WA}").text  # English shows the ids, as the command line does
    assert [a[2] for a in table_rows(english, "activities")] == ["event", "note", "meeting"]


def test_signing_the_pending_term_from_a_second_tab_says_it_is_signed_already(example):
    """Two tabs showed 'sign the pending term'; the second one's submission said 'choose whether the term is
    signed or pending', as if nothing had been chosen, where the term had been signed in the first."""
    c = client(example)
    token = csrf(c, f"/agreements/{WA}/renewal")
    first = c.post(f"/agreements/{WA}/renewal", data={"csrf": token, "what": "sign", "signed": "2023-09-06"})
    assert first.status_code == 303, first.text
    shown = cli_json("show", WA, "--store", str(example))
    second = c.post(f"/agreements/{WA}/renewal", data={"csrf": token, "what": "sign", "signed": "2023-09-06"})
    assert second.status_code == 400
    assert f"coopctl: error: {WA} has no pending term to sign" in second.text
    assert "choose whether" not in second.text
    assert cli_json("show", WA, "--store", str(example)) == shown


@pytest.mark.parametrize("path", ["/add", f"/agreements/{WA}/activity", "/login"])
@pytest.mark.parametrize("body, content_type", [
    (b"summary=" + b"x" * (2**20 + 10), "application/x-www-form-urlencoded"),
    (b"garbage", "multipart/form-data"),
    (b"--xx\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--xx--\r\n",
     "multipart/form-data; boundary=xx")])
def test_a_form_starlette_cannot_read_is_refused_in_one_line_not_a_server_error(example, path, body, content_type):
    """A field above 1 MB, a multipart body without its boundary, a file sent to the login form: a 500 'internal
    error: HTTPException: 400: ...' before."""
    options = {"token": "s3cret-token-1"} if path == "/login" else {}
    c = client(example, **options)
    c.get(path)  # the CSRF cookie
    response = c.post(path, content=body, headers={"content-type": content_type})
    assert "internal error" not in response.text
    if path != "/login" and b"filename" in body:  # the forms take files: read, and refused for want of the CSRF token
        assert response.status_code == 403
    else:
        assert response.status_code == 400, response.text
        assert "refused: the form cannot be read" in response.text
    assert august(example) == []


def test_an_agreement_added_in_the_form_is_confirmed_on_the_page_it_leads_to(example):
    """The add form led to /agreements?done=..., which never showed the 'Saved: ...' line the other forms show."""
    c = client(example)
    added = c.post("/add", data={"csrf": csrf(c, "/add"), "partner": "osaka", "title": "MoU on water", "type": "mou",
                                 "start": "2023-01-01", "end": "2025-12-31", "signed": "2023-01-01"})
    assert added.status_code == 303 and added.headers["location"].startswith("/agreements?done=")
    page = c.get(added.headers["location"]).text
    assert '<p class="notice done" role="status">Saved: add osaka-mou-2023 (mou) for Osaka Prefecture' in page


def test_a_refused_field_is_marked_invalid_and_described_by_its_error_and_help(example):
    """A screen reader heard a field without its error or help: the error was only placed next to it."""
    c = client(example)
    page = f"/agreements/{WA}/activity?lang=id"
    response = c.post(page, data={"csrf": csrf(c, page), "summary": "", "date": "31/02/2023", "sector": "trade"})
    assert response.status_code == 400
    assert ('<textarea id="in-summary" name="summary" rows="3" aria-describedby="help-summary error-summary" '
            'aria-invalid="true" aria-required="true">') in response.text
    assert ('<input id="in-date" name="date" value="31/02/2023" placeholder="2023-08-22 / 22/8/2023" '
            'aria-describedby="error-date" aria-invalid="true" aria-required="true">') in response.text
    assert '<small class="help" id="help-summary">' in response.text and 'id="error-date"' in response.text
    assert '<input id="in-source" name="source" value="" aria-describedby="help-source">' in response.text


def test_the_renewal_form_names_its_fields_not_the_command_lines_flags(example):
    """The renewal form said 'a term cannot be both --pending and --signed' and '--recorded is for a pending term;
    add --pending': flags the form does not have."""
    c = client(example)
    page = f"/agreements/{WA}/renewal?lang=id"
    response = c.post(page, data={"csrf": csrf(c, page), "what": "pending", "until": "2030-01-01",
                                  "signed": "2023-01-01"})
    assert 'id="error-signed">masa berlaku yang dalam proses belum ditandatangani: kosongkan Ditandatangani' in \
        response.text
    response = c.post(page, data={"csrf": csrf(c, page), "what": "signed", "until": "2030-01-01",
                                  "signed": "2023-01-01", "recorded": "2023-01-01"})
    assert 'id="error-recorded">Dicatat hanya untuk masa berlaku yang dalam proses' in response.text
    assert "--" not in re.sub(r"<!--.*?-->", "", response.text.split("<main>")[1])


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("path", ["/add?as_of=2023-02-30&lang=id", f"/agreements/{WA}/activity?as_of=garbage&lang=id",
                                  f"/agreements/{WA}/milestone?as_of=1&lang=id"])
def test_a_form_at_a_bad_as_of_is_refused_in_one_line(example, path, method):
    """A form's address with a bad ?as_of= was a 500 'internal error: CoopError' (GET) or a bare 'Internal
    Server Error' with a traceback in the server's output (POST)."""
    c = client(example)
    token = csrf(c, path.split("?")[0])
    response = c.request(method, path, data={"csrf": token, "summary": "x", "date": "2023-08-01", "sector": "trade",
                                             "partner": "osaka", "title": "T", "type": "mou", "start": "2023"}
                         if method == "POST" else None)
    assert response.status_code == 400, response.text
    assert '<html lang="id">' in response.text and "coopctl: kesalahan: as_of: " in response.text
    assert august(example) == []
    assert [r["id"] for r in cli_json("list", "--store", str(example), "--partner", "osaka")] == [
        "osaka-sister-province"]


def test_a_token_file_saved_with_a_byte_order_mark_gives_the_token_people_type(example, tmp_path, monkeypatch):
    """Windows Notepad starts a UTF-8 file with a byte-order mark: it became the token's first character, and no
    colleague could log in with the token written in the file."""
    import coopctl.web.main

    served = []
    monkeypatch.setattr(coopctl.web.main, "run", lambda config, host, port, say: served.append(config))
    secret = tmp_path / "token"
    secret.write_bytes(b"\xef\xbb\xbfkerja-sama-jatim\r\n")
    result = runner.invoke(app, ["serve", "--store", str(example), "--host", "0.0.0.0", "--token-file", str(secret)])
    assert result.exit_code == 0, result.output
    assert served[0].token == "kerja-sama-jatim"


@pytest.mark.parametrize("method, path, status, text", [
    ("GET", "/nope?lang=id", 404, "tidak ditemukan"), ("GET", f"/agreements/{WA}/x/y?lang=id", 404, "tidak ditemukan"),
    ("DELETE", "/?lang=id", 405, "alamat ini tidak menerima permintaan DELETE"),
    ("POST", "/agreements?lang=id", 405, "alamat ini tidak menerima permintaan POST"),
    ("PUT", "/agreements", 405, "this address does not answer to PUT")])
def test_an_address_or_method_no_page_has_is_a_page_in_the_language_asked(example, method, path, status, text):
    """Starlette answered them in plain English ('Not Found', 'Method Not Allowed') on an Indonesian request."""
    response = client(example).request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html") and text in response.text
    assert "content-security-policy" in response.headers
    if status == 405:
        assert "GET" in response.headers["allow"]
