"""Take the README's screenshots of the web interface on the demo data.

Runs the demo into a temporary data folder, serves `docmatch serve`'s application on a
free loopback port and photographs one evidence view and the dashboard with Debian's
Chromium. Usage: .venv/bin/python scripts/readme_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVIDENCE_DOCUMENT = "invoice-greenline-uom-en.pdf"


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="docmatch-screens-"))
    users = data / "users"
    demo_out = data / "demo-output"
    env = {
        **os.environ,
        "DOCMATCH_DATA_DIR": str(data),
        "DOCMATCH_WEB_USERS_FILE": str(users),
        # The demo keeps its cases in a database of its own inside its output folder.
        "DOCMATCH_DATABASE_URL": f"sqlite:///{demo_out / 'demo.sqlite3'}",
    }

    # Run the demo so the database holds its cases.
    subprocess.run([str(REPO / ".venv/bin/docmatch"), "demo", "--out", str(demo_out)], env=env, check=False, stdout=subprocess.DEVNULL)

    os.environ.update(env)
    import uvicorn

    from docmatch.settings import load_settings
    from docmatch.storage.store import Store
    from docmatch.web.app import create_app
    from docmatch.web.auth import hash_password
    from docmatch.web.links import evidence_url
    from docmatch.web.store_repository import StoreRepository

    users.write_text("demo:" + hash_password("demo", iterations=1000) + "\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = load_settings(web_base_url=f"http://127.0.0.1:{port}")
    repository = StoreRepository(Store.from_settings(settings))
    server = uvicorn.Server(uvicorn.Config(create_app(settings, repository), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    record = next(record for record in repository.all() if record.document.filename == EVIDENCE_DOCUMENT)
    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page(viewport={"width": 1500, "height": 950})
        page.goto(evidence_url(record.sha256, settings))
        page.wait_for_function("Array.from(document.images).every(image => image.complete)")
        page.keyboard.press("n")
        page.screenshot(path=str(out / "evidence-view.png"))
        page.set_extra_http_headers({"Authorization": "Basic ZGVtbzpkZW1v"})  # demo:demo
        page.goto(f"http://127.0.0.1:{port}/dashboard")
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        browser.close()
    server.should_exit = True
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main()
