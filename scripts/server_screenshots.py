"""Take the screenshots of docs/server.md: a real server on 127.0.0.1, Debian's Chromium headless, a controller and
two trainees through the first move of the bundled Timbuktu exercise. Run from the project folder:

    .venv/bin/python scripts/server_screenshots.py

It writes docs/server-trainee.png and docs/server-controller.png (palette PNGs, to stay small).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serverproc import start_server  # noqa: E402
from test_server_browser import CHROMIUM_ARGS  # noqa: E402

VIEWPORT = {"width": 1100, "height": 860}
COLOURS = 64


def _shrink(path: Path) -> None:
    image = Image.open(path).convert("RGB")
    image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(ROOT / "exercises" / "timbuktu-2018.yaml", Path(tmp) / "run.sqlite")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                controller = browser.new_context(viewport=VIEWPORT).new_page()
                controller.goto(server.controller_url)
                pages = []
                for name in ("Capt. Diallo", "Lt. Traoré", "Maj. Keïta"):
                    page = browser.new_context(viewport=VIEWPORT).new_page()
                    page.goto(server.join_url)
                    page.fill("#name", name)
                    page.click("#join-form button[type=submit]")
                    page.wait_for_url("**/trainee")
                    pages.append(page)
                with controller.expect_navigation():
                    controller.get_by_role("button", name="Release move 1", exact=True).click()
                answers = [[("20(d)", "authorization", "minusma", "granted"), ("20(e)", "engagement", "minusma", "")],
                           [("37", "authorization", "french-forces", "")], []]
                for page, given in zip(pages, answers, strict=True):
                    page.reload()
                    for paragraph, kind, subject, status in given:
                        form = page.locator("form.answer-form")
                        form.locator("select[name=paragraph]").select_option(paragraph)
                        form.locator("select[name=kind]").select_option(kind)
                        form.locator("select[name=subject]").select_option(subject)
                        if status:
                            form.locator("select[name=status]").select_option(status)
                        with page.expect_navigation():
                            form.locator("button[type=submit]").click()
                with controller.expect_navigation():
                    controller.get_by_role("button", name="Close move 1 and release move 2", exact=True).click()
                controller.reload()
                trainee = pages[0]
                trainee.reload()
                trainee.locator("#move-1").scroll_into_view_if_needed()
                trainee.evaluate("window.scrollTo(0, document.querySelector('#move-1 .result').offsetTop - 420)")
                trainee.screenshot(path=str(ROOT / "docs" / "server-trainee.png"))
                controller.screenshot(path=str(ROOT / "docs" / "server-controller.png"))
                browser.close()
        finally:
            server.stop()
    for name in ("server-trainee.png", "server-controller.png"):
        _shrink(ROOT / "docs" / name)
        print(ROOT / "docs" / name, (ROOT / "docs" / name).stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
