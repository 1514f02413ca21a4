"""The reviewer's page in a real browser: Debian's chromium driven by chromium-driver (Selenium).

A real `checker serve` on loopback; the browser uploads the Ordos calcium-carbide sample and
sees 不予通过 with its failed rules, then fills the schema form for a small project and gets an
approved verdict. Screenshots go to tests/artifacts/ (not committed). Nothing is downloaded at
run time: the browser and its driver are Debian's packages, which `.ci/run` installs. Without
them the tests are skipped with the reason, except in CI (`CI` set), where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ORDOS = REPO / "projects" / "ordos-calcium-carbide.yaml"
KUBUQI = REPO / "projects" / "kubuqi-desert-pv.yaml"
SERVE = [str(Path(sys.executable).with_name("checker")), "serve", "--port", "0", "-j", "1"]
CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"


def _require_browser() -> None:
    missing = [path for path in (CHROMIUM, DRIVER) if not os.path.exists(path)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install '.[test]')")
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"in CI the browser test must run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server():
    process = subprocess.Popen(SERVE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    try:
        assert found, line + process.stderr.read()
        yield f"http://127.0.0.1:{found.group(1)}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(browser, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / name))


def _result_row(browser):
    """The first row of the verdicts table, once the page the form posted to has loaded: a click
    that submits a form returns before the new page is there, and a loaded machine checks slowly."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as loaded
    from selenium.webdriver.support.ui import WebDriverWait

    locator = (By.CSS_SELECTOR, "table.verdicts tbody tr")
    return WebDriverWait(browser, 30).until(loaded.presence_of_element_located(locator))


def test_uploading_the_calcium_carbide_sample_shows_its_refusal_and_failed_rules(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert "上传项目文件" in browser.page_source
    browser.find_element(By.ID, "files").send_keys(str(ORDOS))
    browser.find_element(By.ID, "as_of").send_keys("06/01/2025")
    browser.find_element(By.ID, "check").click()
    row = _result_row(browser)
    assert row.find_element(By.CSS_SELECTOR, "td.verdict").text == "不予通过"
    failed = row.find_element(By.CSS_SELECTOR, "td.failed").text
    for rule in ("HE-001", "HE-002", "HE-003", "EC-001", "WA-001", "WA-002"):
        assert rule in failed
    report = browser.find_element(By.ID, "report-1")
    assert "审查结论" in report.text and "不予通过" in report.text
    _screenshot(browser, "serve-ordos-calcium-carbide.png")


def test_the_english_switch(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    browser.find_element(By.LINK_TEXT, "English").click()
    WebDriverWait(browser, 30).until(lambda b: "Upload project files" in b.page_source)


def test_filling_the_form_for_a_small_project_gives_an_approved_verdict(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/form")
    project = yaml.safe_load(KUBUQI.read_text(encoding="utf-8"))

    def fill(value, prefix):
        if isinstance(value, dict):
            for key, child in value.items():
                fill(child, f"{prefix}{key}.")
            return
        if isinstance(value, list):
            for index, child in enumerate(value):
                fill(child, f"{prefix}{index}.")
            return
        name = prefix[:-1]
        element = browser.find_element(By.NAME, name)
        text = {True: "true", False: "false"}[value] if isinstance(value, bool) else str(value)
        if element.tag_name == "select":
            Select(element).select_by_value(text)
        elif element.get_attribute("readonly") is None:
            element.send_keys(text)

    fill(project, "")
    browser.find_element(By.ID, "form-check").click()
    row = _result_row(browser)
    assert row.get_attribute("class") == "verdict-approved"
    assert row.find_element(By.CSS_SELECTOR, "td.verdict").text == "通过"
    _screenshot(browser, "serve-form-approved.png")


def test_the_page_runs_no_script(server, browser):
    browser.get(server + "/")
    assert browser.execute_script("return document.scripts.length") == 0
    assert shutil.which("chromium") or os.path.exists(CHROMIUM)


def test_the_api_console_lists_the_operations_under_its_strict_policy(server, browser):
    """Swagger UI runs from the package's files under the console's policy: the operations appear
    and expanding one shows its parameters (no CDN, no eval, no inline script but its own start)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as loaded
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/api/docs")
    WebDriverWait(browser, 30).until(loaded.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
    paths = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
    assert "/api/v1/check" in paths and "/api/v1/health" in paths
    _screenshot(browser, "serve-api-console.png")
