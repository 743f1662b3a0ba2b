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
        heading = driver.find_element(By.TAG_NAME, "h2")
        assert heading.text == "演示文件" and heading.size["width"] > 0
        # a CJK glyph renders with width (not a zero-width missing glyph)
        width = driver.execute_script(
            "var s=document.createElement('span');s.textContent='教育扶贫专项';document.body.appendChild(s);"
            "return s.getBoundingClientRect().width;"
        )
        assert width > 40
        # sorting works: click the verdict header of the findings table
        table = driver.find_element(By.CSS_SELECTOR, "table.findings")
        table.find_elements(By.TAG_NAME, "th")[0].click()
        assert table.find_elements(By.TAG_NAME, "th")[0].get_attribute("data-order") == "asc"
        assert "&lt;script&gt;" not in driver.page_source.split("<body>")[0]
        assert "<script>alert(1)</script>" in driver.find_element(By.TAG_NAME, "body").text
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(SHOTS / "audit-fixture.png"))
    finally:
        driver.quit()
