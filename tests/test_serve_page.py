"""The reviewer's page of `checker serve`: upload and report, downloads, the schema form, the
rules and parameters, in Chinese and English, without JavaScript; sign-in with a token; the
ledger pages; the time limit."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse

import pytest
import yaml
from click.testing import CliRunner

from checker.cli.audit import history_command
from checker.serve.api import FORMATS
from checker.serve.config import ServeConfig
from checker.serve.schema_form import form, schema_for
from checker.serve.security import style_hashes
from tests.support.serving import AS_OF, PROJECTS, client_for

ORDOS = PROJECTS / "ordos-calcium-carbide.yaml"
KUBUQI = PROJECTS / "kubuqi-desert-pv.yaml"
TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def client():
    # a fixed clock for JUnit's `timestamp`: a download and a request a second apart must agree
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764547200")
        with client_for(ServeConfig(jobs=1)) as made:
            yield made


def upload(client, *paths, lang="zh", pasted="", as_of=AS_OF):
    files = [("files", (p.name, p.read_bytes(), "application/yaml")) for p in paths]
    return client.post("/report", data={"lang": lang, "yaml": pasted, "as_of": as_of}, files=files or None)


def flatten(value, prefix=""):
    """A project's values as the form's field names (`project.products.0.product`) and texts."""
    if isinstance(value, dict):
        return [pair for key, child in value.items() for pair in flatten(child, f"{prefix}{key}.")]
    if isinstance(value, list):
        return [pair for index, child in enumerate(value) for pair in flatten(child, f"{prefix}{index}.")]
    text = {True: "true", False: "false"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    return [(prefix[:-1], text)]


def send_form(client, path, pairs):
    """A form as a browser sends it (urlencoded, repeated names kept in order)."""
    return client.post(
        path, content=urllib.parse.urlencode(pairs), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )


def test_the_page_is_chinese_with_an_english_switch_and_no_script(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "上传项目文件" in page.text and 'href="/?lang=en"' in page.text
    assert "<script" not in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'type="file" multiple' in page.text
    english = client.get("/?lang=en")
    assert "Upload project files" in english.text and "上传项目文件" not in english.text


def test_the_calcium_carbide_sample_is_refused_with_its_failed_rules_and_report(client):
    page = upload(client, ORDOS)
    assert page.status_code == 200
    row = re.search(r'<tr class="verdict-rejected">.*?</tr>', page.text, re.S).group(0)
    assert "不予通过" in row
    for rule in ("HE-001", "HE-002", "HE-003", "EC-001", "WA-001", "WA-002"):
        assert rule in row
    assert 'id="report-1"' in page.text and "内蒙古自治区投资项目合规审查报告" in page.text
    # the report's stylesheet is allowed by its hash, nothing else inline
    csp = page.headers["Content-Security-Policy"]
    api = client.post("/api/v1/check", content=ORDOS.read_bytes(), params={"format": "html", "as_of": AS_OF})
    for source in style_hashes([api.content]):
        assert source in csp
    assert "script-src" not in csp and "'unsafe-inline'" not in csp


def test_many_files_are_a_table_of_verdicts_each_opening_its_report(client):
    page = upload(client, ORDOS, KUBUQI, pasted=KUBUQI.read_text(encoding="utf-8"), lang="en")
    assert page.text.count('<tr class="verdict-') == 3
    assert 'href="#report-1"' in page.text and 'href="#report-3"' in page.text
    assert "Rejected" in page.text or "rejected" in page.text.lower()
    assert page.text.count('class="report"') == 3


def test_nothing_sent_is_a_400_page(client):
    page = upload(client)
    assert page.status_code == 400
    assert "没有收到项目文件" in page.text


def test_the_page_s_own_forms_pass_the_origin_check(client):
    response = client.post(
        "/report",
        files=[("files", (KUBUQI.name, KUBUQI.read_bytes()))],
        headers={"Origin": "http://127.0.0.1:8000"},
    )
    assert response.status_code == 200
    # a browser sends the page's own origin with its forms only under this policy (no-referrer: null)
    assert response.headers["Referrer-Policy"] == "same-origin"
    refused = client.post("/report", files=[("files", ("a.yaml", b"x"))], headers={"Origin": "null"})
    assert refused.status_code == 403


def test_an_invalid_file_shows_the_cli_s_lines_in_the_table(client):
    hostile = PROJECTS.parent / "tests" / "hostile" / "duplicate_key.yaml"
    page = upload(client, hostile, lang="en")
    assert page.status_code == 200
    assert "Invalid input" in page.text
    assert "duplicate_key.yaml:18: energy.diesel_t: duplicate key (first given on line 17)" in page.text


def test_what_the_applicant_wrote_is_escaped(client):
    text = KUBUQI.read_text(encoding="utf-8")
    text = text.replace("name: 库布其沙漠200万千瓦光伏治沙项目", "name: '<script>x</script>'")
    page = upload(client, pasted=text)
    assert "<script" not in page.text
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_downloads_the_api_s_bytes(client, fmt):
    page = upload(client, ORDOS)
    carried = re.search(r'name="yaml_base64" value="([^"]*)"', page.text).group(1)
    assert base64.b64decode(carried) == ORDOS.read_bytes()
    download = client.post(
        "/download", data={"lang": "zh", "as_of": AS_OF, "name": ORDOS.name, "yaml_base64": carried, "format": fmt}
    )
    assert download.status_code == 200
    api = client.post(
        "/api/v1/check", content=ORDOS.read_bytes(), params={"format": fmt, "as_of": AS_OF, "name": ORDOS.name}
    )
    assert download.content == api.content
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_a_download_of_something_not_base64_is_400(client):
    response = client.post("/download", data={"yaml_base64": "%%%", "format": "json"})
    assert response.status_code == 400


def _leaf_paths(node, root, prefix=""):
    from checker.serve.schema_form import _resolve

    node = _resolve(node, root)
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return _leaf_paths(node["items"], root, prefix + "0.")
    if "properties" in node:
        return [p for key, child in node["properties"].items() for p in _leaf_paths(child, root, f"{prefix}{key}.")]
    return [prefix[:-1]]


def test_the_form_has_every_field_of_the_schema_with_its_chinese_title(client):
    page = client.get("/form")
    schema = schema_for("zh")
    leaves = _leaf_paths(schema, schema)
    assert len(leaves) > 50
    for path in leaves:
        assert f'name="{path}"' in page.text, path
    assert "项目名称" in page.text and "建设性质" in page.text
    english = client.get("/form?lang=en")
    assert "Project name" in english.text or "project name" in english.text.lower()


def test_a_filled_form_is_checked_as_its_yaml_file_would_be(client):
    fields = flatten(yaml.safe_load(KUBUQI.read_text(encoding="utf-8")))
    page = send_form(client, "/form", [*fields, ("lang", "zh"), ("as_of", AS_OF), ("action", "check")])
    assert page.status_code == 200
    assert '<tr class="verdict-approved">' in page.text
    made = send_form(client, "/form", [*fields, ("lang", "zh"), ("action", "yaml")])
    assert made.headers["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(made.content) == yaml.safe_load(KUBUQI.read_text(encoding="utf-8"))


def test_an_empty_form_field_is_left_out_and_a_wrong_one_gets_the_cli_s_message(client):
    fields = flatten(yaml.safe_load(KUBUQI.read_text(encoding="utf-8")))
    fields = [(k, "四十五亿" if k == "project.investment_10k_yuan" else v) for k, v in fields]
    fields.append(("water.recycled_water_m3", ""))
    made = send_form(client, "/form", [*fields, ("action", "yaml")])
    assert "recycled_water_m3" not in made.text
    page = send_form(client, "/form", [*fields, ("lang", "en"), ("action", "check")])
    assert "project.investment_10k_yuan" in page.text and "in digits" in page.text


def test_rules_and_parameters_are_browsable(client):
    rules = client.get("/rules?lang=zh")
    assert rules.status_code == 200 and 'href="/rules/HE-002?lang=zh"' in rules.text
    rule = client.get("/rules/HE-002?lang=en")
    assert rule.status_code == 200 and "HE-002" in rule.text and "high_energy_project_threshold_tce" in rule.text
    params = client.get("/parameters?as_of=2022-06-01")
    assert params.status_code == 200 and "2022-06-01" in params.text
    assert client.get("/rules/ZZ-999").status_code == 404
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/v1/check" in docs.text and "<script" not in docs.text


def test_the_form_is_generated_from_the_schema_not_written_by_hand():
    zh, en = form("zh"), form("en")
    assert [g.name for g in zh.groups] == [g.name for g in en.groups]
    assert zh.groups[0].title != en.groups[0].title


# ---- with a token ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded():
    with client_for(ServeConfig(jobs=1, token=TOKEN)) as made:
        yield made


def test_with_a_token_every_call_needs_it(guarded):
    api = guarded.get("/api/v1/health")
    assert api.status_code == 401 and api.headers["WWW-Authenticate"] == "Bearer"
    assert guarded.get("/openapi.json").status_code == 401
    assert guarded.get("/api/v1/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.get("/api/v1/health", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    page = guarded.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert guarded.post("/report", files=[("files", ("a.yaml", b"x"))]).status_code == 401
    assert guarded.get("/static/serve.css").status_code == 200


def test_the_sign_in_sets_a_session_cookie_derived_from_the_token(guarded):
    wrong = guarded.post("/login", data={"token": "nope", "lang": "zh"})
    assert wrong.status_code == 401 and "令牌不正确" in wrong.text
    right = guarded.post("/login", data={"token": TOKEN, "lang": "zh"}, follow_redirects=False)
    assert right.status_code == 303
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert TOKEN not in cookie
    assert guarded.get("/").status_code == 200  # the client keeps the cookie
    guarded.cookies.clear()
    assert guarded.get("/", follow_redirects=False).status_code == 303


# ---- with a ledger -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger") / "ledger.sqlite"
    with client_for(ServeConfig(jobs=1, record=str(path))) as made:
        yield made, path


def test_each_check_is_recorded_and_the_history_is_the_cli_s(ledger):
    client, path = ledger
    first = client.post("/api/v1/check", content=ORDOS.read_bytes(), params={"as_of": AS_OF})
    second = client.post("/api/v1/check", content=ORDOS.read_bytes(), params={"as_of": "2025-07-01"})
    assert first.headers["X-Checker-Ledger-Entry"] == "1" and second.headers["X-Checker-Ledger-Entry"] == "2"
    history = client.get("/api/v1/ledger/history/NM-2025-0042")
    assert history.status_code == 200
    printed = CliRunner().invoke(history_command, [str(path), "NM-2025-0042", "--format", "json"]).stdout
    assert history.json() == json.loads(printed)
    assert client.get("/api/v1/ledger/history/NM-0000").status_code == 404
    verified = client.post("/api/v1/ledger/verify", params={"lang": "en"})
    assert verified.status_code == 200 and verified.json()["ok"] is True
    assert verified.headers["X-Checker-Exit-Code"] == "0"
    page = client.get("/ledger?project_id=NM-2025-0042")
    assert page.status_code == 200 and "2025-07-01" in page.text
    lines = client.post("/ledger/verify", data={"lang": "en"})
    assert verified.json()["head_hash"] in lines.text


def test_an_invalid_file_is_not_recorded(ledger):
    client, _ = ledger
    before = client.post("/api/v1/ledger/verify").json()["entries"]
    response = client.post("/api/v1/check", content=b"format: 2\n")
    assert response.status_code == 422 and "X-Checker-Ledger-Entry" not in response.headers
    assert client.post("/api/v1/ledger/verify").json()["entries"] == before


# ---- the time limit ----------------------------------------------------------------------------


def test_a_check_past_the_time_limit_is_503_and_the_worker_goes_on():
    with client_for(ServeConfig(jobs=1, timeout=0.001)) as client:
        slow = client.post("/api/v1/check", content=ORDOS.read_bytes(), params={"format": "html"})
        assert slow.status_code == 503
        assert "time limit" in slow.json()["messages"][0]
        assert client.get("/api/v1/health").status_code == 200


def test_more_requests_than_the_workers_take_are_503_with_retry_after(client):
    workers = client.app.state.workers
    kept = workers.max_in_flight
    workers.max_in_flight = 0
    try:
        busy = client.post("/api/v1/check", content=KUBUQI.read_bytes())
    finally:
        workers.max_in_flight = kept
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
    assert "busy" in busy.json()["messages"][0]
    assert client.post("/api/v1/check", content=KUBUQI.read_bytes()).status_code == 200


def test_the_api_console_is_interactive_and_served_from_the_package(client):
    """Swagger UI at /api/docs: its script and stylesheet come from this server (no CDN), and the
    page's one inline script is the only one the policy lets run besides them."""
    import base64
    import hashlib
    import re

    page = client.get("/api/docs")
    assert page.status_code == 200
    assert 'src="/static/swagger-ui-bundle.js"' in page.text and 'href="/static/swagger-ui.css"' in page.text
    assert not re.search(r"""(?:src|href)=["']https?:""", page.text)
    inline = re.findall(rb"<script>(.*?)</script>", page.content, re.S)
    assert len(inline) == 1 and b"SwaggerUIBundle" in inline[0] and b"/openapi.json" in inline[0]
    policy = page.headers["Content-Security-Policy"]
    digest = base64.b64encode(hashlib.sha256(inline[0]).digest()).decode("ascii")
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "connect-src 'self'" in policy and "unsafe" not in policy
    script = client.get("/static/swagger-ui-bundle.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert b"SwaggerUIBundle" in script.content
    assert client.get("/static/swagger-ui.css").status_code == 200
