"""How long the step page of a large network takes to open in headless Chromium.

The page of one training step of a 64-32-10 ReLU network with a softmax output
(2,090 connections, ~1.4 MB of HTML) is written, then opened in Debian's
Chromium; the time from ``get`` until the page's script has computed every
step is printed (target: under 2 s), beside the time to open a small page
(2-2-1), the baseline for the browser's own start-up cost on this machine.

Run: ``python benchmarks/bench_page.py`` (needs selenium, chromium and
chromedriver, as the browser tests do).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import numpy as np

import neurosim as ns


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(
        service=Service(shutil.which("chromedriver")), options=options
    )


def open_time(driver, path, repeats=3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        driver.get(path.as_uri())
        driver.execute_script("return window.neurosim.steps().length")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    large = ns.Network.layered(
        [64, 32, 10], activation="relu", output_activation="identity", seed=0
    )
    x = np.random.default_rng(0).random(64)
    large.explain(x, np.eye(10)[3], loss="cross_entropy", format="html").save(
        folder / "large.html"
    )
    small = ns.Network.layered([2, 2, 1], seed=0)
    small.explain([1.0, 0.0], [1.0], format="html").save(folder / "small.html")
    driver = browser()
    try:
        small_time = open_time(driver, folder / "small.html")
        large_time = open_time(driver, folder / "large.html")
    finally:
        driver.quit()
    size = (folder / "large.html").stat().st_size
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"small page (2-2-1):          {small_time:6.3f} s")
    print(f"large page (64-32-10, {size / 1e6:.1f} MB): {large_time:6.3f} s "
          f"(target < 2 s; {large_time / small_time:.1f}x the small page)")  # fmt: skip
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
