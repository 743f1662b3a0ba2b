"""The HTML report in a real headless Chromium: loads with no console errors, charts render,
Chinese text renders, injected script does not run; a screenshot is kept for a person to look at."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fundaudit.loader import load
from fundaudit.report import html
from fundaudit.runner import run

FIXTURE = Path(__file__).parent / "fixtures" / "report.yaml"
ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("FUNDAUDIT_SCREENSHOTS", Path(__file__).resolve().parent.parent / "build" / "screenshots"))


def _driver():  # type: ignore[no-untyped-def]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium and chromium-driver (.ci/run installs them)")
        pytest.skip("no headless Chromium here (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(chromedriver), options=opts)


def test_html_report_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    page.write_text(html.render(run(load(FIXTURE))), encoding="utf-8")
    driver = _driver()
    try:
        driver.get(page.as_uri())
        from selenium.webdriver.common.by import By

        assert driver.title == "fundaudit audit report"
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == []
        # no injected script ran: alert(1) would leave an open dialog
        from selenium.common.exceptions import NoAlertPresentException

        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018
        charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert len(charts) == 2
        bars = driver.find_elements(By.CSS_SELECTOR, "svg.sources rect")
        assert sum(1 for b in bars if b.size["width"] > 0) >= 5
        heading = driver.find_element(By.CSS_SELECTOR, "h2#doc-demo")
        assert heading.text == "演示文件" and heading.size["width"] > 0
        # a CJK glyph renders with width (not a zero-width missing glyph)
        width = driver.execute_script(
            "var s=document.createElement('span');s.textContent='教育扶贫专项';document.body.appendChild(s);"
            "return s.getBoundingClientRect().width;"
        )
        assert width > 40
        assert "&lt;script&gt;" not in driver.page_source.split("<body>")[0]
        assert "<script>alert(1)</script>" in driver.find_element(By.TAG_NAME, "body").text
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(SHOTS / "audit-fixture.png"))
    finally:
        driver.quit()


def _visible(driver) -> list[str]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, "#findings > tbody > tr")
    return [r.get_attribute("data-verdict") for r in rows if r.is_displayed()]


def test_chinese_report_of_the_real_data_filters_and_searches(tmp_path: Path) -> None:
    """The committed Chinese report: loads clean, a verdict filter hides exactly its rows, search finds a program."""
    page = ROOT / "reports" / "audit.html"
    driver = _driver()
    try:
        from selenium.webdriver.common.by import By

        driver.get(page.as_uri())
        assert driver.title == "fundaudit 审核报告"
        assert [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(SHOTS / "audit-zh-top.png"))
        before = _visible(driver)
        assert "mismatch" in before and "rounding" in before
        driver.find_element(By.CSS_SELECTOR, "input[data-filter='verdict'][value='rounding']").click()
        after = _visible(driver)
        assert "rounding" not in after and len(after) == len(before) - before.count("rounding")
        assert driver.find_element(By.ID, "shown-count").text == str(len(after))
        search = driver.find_element(By.ID, "search")
        search.send_keys("电力建设扶贫专项")
        found = [r for r in driver.find_elements(By.CSS_SELECTOR, "#findings > tbody > tr") if r.is_displayed()]
        assert found and all("电力建设扶贫专项" in r.text for r in found)
        # a program link narrows the table to that program
        search.clear()
        search.send_keys(" ")
        link = driver.find_element(By.CSS_SELECTOR, "a[data-program='bz2018/power']")
        driver.execute_script("arguments[0].click();", link)
        shown = [r for r in driver.find_elements(By.CSS_SELECTOR, "#findings > tbody > tr") if r.is_displayed()]
        assert shown and all(r.get_attribute("data-program") == "bz2018/power" for r in shown)
    finally:
        driver.quit()
