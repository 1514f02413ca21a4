"""The JSON API of `checker serve`, through FastAPI's test client: every endpoint and status code.

The check endpoint must answer what `check FILE` prints, byte for byte, for every sample in
every format and language; a file the CLI refuses is a 422 with the CLI's own lines and
problems; every hostile file of tests/hostile/ is a 4xx with the CLI's message, never a 500.
"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from checker.cli.app import check_main
from checker.serve.api import FORMATS
from checker.serve.config import ServeConfig
from tests.support.serving import AS_OF, PROJECTS, SAMPLES, client_for
from tests.test_hostile import HERE as HOSTILE
from tests.test_hostile import PROJECT_CASES


@pytest.fixture(scope="module")
def client():
    # a fixed clock for JUnit's `timestamp` (the moment of the check), in the workers and the CLI
    # alike: a CLI run and a request a second apart would otherwise differ there
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764547200")
        with client_for(ServeConfig(jobs=1)) as made:
            yield made


def cli(folder, name: str, *args: str) -> tuple[int, bytes, str]:
    """`check NAME ARGS` run in `folder`, so the report names the file as the API is told to."""
    here = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(check_main, [name, *args])
    finally:
        os.chdir(here)
    return result.exit_code, result.stdout_bytes, result.stderr


def post(client, raw: bytes, name: str, **query: str):
    return client.post(
        "/api/v1/check", content=raw, params={"name": name, **query}, headers={"Content-Type": "application/yaml"}
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_in_every_format_is_the_cli_s_bytes(client, sample, fmt):
    code, out, _ = cli(PROJECTS, sample.name, "--format", fmt, "--as-of", AS_OF, "--color", "never")
    response = post(client, sample.read_bytes(), sample.name, format=fmt, as_of=AS_OF)
    assert response.status_code == 200, response.text
    assert response.content == out
    assert response.headers["X-Checker-Exit-Code"] == str(code)
    verdict = response.headers["X-Checker-Verdict"]
    assert verdict in ("approved", "approved_with_warnings", "rejected", "needs_review")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_the_language_and_today_s_date_as_the_cli_has_them(client, lang, fmt):
    sample = PROJECTS / "hohhot-data-centre.yaml"
    _, out, _ = cli(PROJECTS, sample.name, "--format", fmt, "--lang", lang, "--color", "never")
    response = post(client, sample.read_bytes(), sample.name, format=fmt, lang=lang)
    assert response.content == out


def test_a_multipart_upload_is_named_by_its_file_name(client):
    sample = PROJECTS / "ordos-calcium-carbide.yaml"
    _, out, _ = cli(PROJECTS, sample.name, "--as-of", AS_OF, "--color", "never")
    response = client.post(
        "/api/v1/check",
        params={"as_of": AS_OF},
        files={"file": ("../../etc/ordos-calcium-carbide.yaml", sample.read_bytes(), "application/yaml")},
    )
    assert response.status_code == 200
    assert response.content == out  # the name is the last path component, a label only
    assert response.headers["X-Checker-Verdict"] == "rejected"
    assert response.headers["X-Checker-Exit-Code"] == "1"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_chinese_windows_file_is_read_as_the_cli_reads_it(client, tmp_path, encoding):
    text = (PROJECTS / "kubuqi-desert-pv.yaml").read_text(encoding="utf-8")
    if encoding == "gb18030":  # a character GBK lacks, in a comment
        text = "# 𠀀\n" + text
    raw = text.encode(encoding)
    (tmp_path / "encoded.yaml").write_bytes(raw)
    _, out, _ = cli(tmp_path, "encoded.yaml", "--format", "json", "--as-of", AS_OF)
    response = post(client, raw, "encoded.yaml", format="json", as_of=AS_OF)
    assert response.status_code == 200
    assert response.content == out
    assert response.headers["X-Checker-Verdict"] == "approved"


@pytest.mark.parametrize(("name", "code", "words"), PROJECT_CASES, ids=[c[0] for c in PROJECT_CASES])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_hostile_file_is_the_cli_s_answer_over_http(client, name, code, words, lang):
    raw = (HOSTILE / name).read_bytes()
    cli_code, out, err = cli(HOSTILE, name, "--as-of", "2026-01-01", "--lang", lang, "--color", "never")
    assert cli_code == code
    response = post(client, raw, name, as_of="2026-01-01", lang=lang)
    if code == 0:
        assert response.status_code == 200
        assert response.content == out
        return
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["exit_code"] == 2
    assert response.headers["X-Checker-Exit-Code"] == "2"
    assert body["messages"] == err.strip().splitlines()
    if lang == "en":
        for word in words:
            assert word in "\n".join(body["messages"])
    problem = body["problems"][0]
    assert set(problem) == {"file", "key_path", "line", "message"}
    assert problem["file"] == name


GENERATED = {
    "alias_bomb.yaml": b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + b"".join(
        b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((98 + i, 98 + i) + (97 + i,) * 10)
        for i in range(9)
    ),
    "binary.yaml": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "zip.yaml": b"PK\x03\x04" + b"\x00" * 100,
    "utf16.yaml": "format: 1\n".encode("utf-16"),
    "nul.yaml": b"format: 1\x00\n",
    "empty.yaml": b"",
    "flat_list.yaml": b"x:\n" + b"- 1\n" * 150_000,
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_hostile_bodies_are_refused_with_the_cli_s_message(client, tmp_path, name):
    raw = GENERATED[name]
    (tmp_path / name).write_bytes(raw)
    cli_code, _, err = cli(tmp_path, name, "--lang", "en")
    assert cli_code == 2
    response = post(client, raw, name, lang="en")
    assert response.status_code == 422, response.text
    assert response.json()["messages"] == err.strip().splitlines()


def test_beyond_the_size_limit_is_413_before_any_check(client):
    response = post(client, b"#" * (1024 * 1024 + 1), "big.yaml")
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["messages"][0]
    declared = client.post(
        "/api/v1/check", content=b"x", headers={"Content-Type": "application/yaml", "Content-Length": "999999999"}
    )
    assert declared.status_code in (400, 413)


def test_a_body_that_is_neither_yaml_nor_multipart_is_415(client):
    response = client.post("/api/v1/check", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"format": "pdf"}, "format must be one of"),
        ({"lang": "fr"}, "lang must be one of"),
        ({"as_of": "2025-13-01", "lang": "en"}, "'2025-13-01' is not a date YYYY-MM-DD"),
        ({"as_of": "2019-01-01", "lang": "en"}, "before the period of the rules' plan"),
    ],
)
def test_a_bad_query_is_400_with_the_cli_s_words(client, query, words):
    response = post(client, (PROJECTS / "kubuqi-desert-pv.yaml").read_bytes(), "p.yaml", **query)
    assert response.status_code == 400
    assert words in response.json()["messages"][0]


def test_a_malformed_multipart_body_is_400(client):
    response = client.post(
        "/api/v1/check", content=b"--x\r\nnonsense", headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert response.status_code == 400
    two = client.post(
        "/api/v1/check", files=[("file", ("a.yaml", b"format: 1\n")), ("file", ("b.yaml", b"format: 1\n"))]
    )
    assert two.status_code == 400


def test_rules_and_one_rule_as_checker_rules_lists_them(client):
    import json

    from checker.cli.catalogue import rules_command

    result = CliRunner().invoke(rules_command, ["--format", "json", "--as-of", AS_OF])
    response = client.get("/api/v1/rules", params={"as_of": AS_OF})
    assert response.status_code == 200
    assert response.json() == json.loads(result.stdout)
    one = client.get("/api/v1/rules/HE-002", params={"as_of": AS_OF})
    assert one.json() == next(r for r in json.loads(result.stdout) if r["id"] == "HE-002")
    assert client.get("/api/v1/rules/ZZ-999").status_code == 404


def test_parameters_in_force_on_a_date_as_checker_params_lists_them(client):
    import json

    from checker.cli.catalogue import params_command

    for as_of in ("2022-06-01", "2025-06-01"):
        result = CliRunner().invoke(params_command, ["--format", "json", "--as-of", as_of])
        response = client.get("/api/v1/parameters", params={"as_of": as_of})
        assert response.status_code == 200
        assert response.json() == json.loads(result.stdout)
    assert client.get("/api/v1/parameters", params={"as_of": "soon"}).status_code == 400


def test_health_schema_and_openapi(client):
    health = client.get("/api/v1/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    import json

    from checker.cli.docs import schema as schema_command

    printed = CliRunner().invoke(schema_command, ["--lang", "zh"]).stdout
    assert client.get("/api/v1/schema").json() == json.loads(printed)
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/check", "/api/v1/rules", "/api/v1/rules/{rule_id}", "/api/v1/parameters"} <= set(spec["paths"])
    assert "application/yaml" in spec["paths"]["/api/v1/check"]["post"]["requestBody"]["content"]


def test_the_ledger_endpoints_answer_404_without_record(client):
    assert client.get("/api/v1/ledger/history/NM-2025-0042").status_code == 404
    assert client.post("/api/v1/ledger/verify").status_code == 404


def test_every_response_forbids_scripts_frames_and_sniffing(client):
    response = client.get("/api/v1/health")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "access-control-allow-origin" not in response.headers  # CORS off
    html = post(client, (PROJECTS / "kubuqi-desert-pv.yaml").read_bytes(), "p.yaml", format="html")
    assert "'sha256-" in html.headers["Content-Security-Policy"]  # the report's own stylesheet only


def test_a_post_from_another_site_is_403(client):
    response = client.post(
        "/api/v1/check",
        content=b"format: 1\n",
        headers={"Content-Type": "application/yaml", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_unknown_paths_are_404_and_wrong_methods_405(client):
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.get("/api/v1/check").status_code == 405
    assert client.get("/static/../../pyproject.toml").status_code == 404
