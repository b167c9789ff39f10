"""Drive a running studio in headless Chromium as a person would, time it, and take docs/studio.png.

    attack-recipe studio --port 8765 &          # the built-in victim and tweets by default
    python scripts/studio_drive.py --url http://127.0.0.1:8765/ --screenshot docs/studio.png \\
        [--rewrites rewrites.json]

What it does, through the page only (clicks and key presses; no API calls of its own):

1. opens the page, waits for the queue, and measures how long the score takes to change after a key
   press (the issue asks for under a second);
2. with ``--rewrites FILE`` (a JSON list of ``{"id": queue example id, "text": rewritten text}``):
   for each, clicks the example in the queue, replaces the text by typing it (40 ms a key), waits
   for the score, marks it "still <unsafe class>", saves, and reports the seconds the page recorded;
3. opens the first queue example again, clicks its most salient word, waits for the ranked
   replacements, and saves a screenshot of the whole page.

The system Chromium is used (``playwright install`` downloads its own, which fails offline).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def score_latency(page) -> float:
    """Seconds from a key press in the editor to a new score on the page."""
    before = page.locator("#score-value").inner_text()
    page.locator("#text").click()
    page.keyboard.press("End")
    started = time.monotonic()
    page.keyboard.type("!")
    page.wait_for_function("(before) => document.getElementById('score-value').textContent !== before", arg=before)
    latency = time.monotonic() - started
    page.keyboard.press("Backspace")
    page.wait_for_timeout(1500)
    return latency


def rewrite_and_save(page, example_id: str, text: str, unsafe: str) -> dict:
    page.locator(f"#queue-list li[data-id='{example_id}']").click()
    page.locator("#text").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text, delay=40)
    page.wait_for_timeout(800)  # the debounced score and saliency
    status = page.locator("#status").inner_text()
    page.locator(f"input[name=judgement][value='{unsafe}']").check()
    page.locator("#save-button").click()
    page.wait_for_selector("#save-status[data-saved='1']")
    return {"id": example_id, "status": status, "saved": page.locator("#save-status").inner_text()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765/")
    parser.add_argument("--screenshot", default="docs/studio.png")
    parser.add_argument("--rewrites", default=None, help="JSON list of {id, text} to type in and save")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(args.url)
        page.wait_for_selector("#queue-list li")
        page.wait_for_selector("#words .word")
        info = page.evaluate("() => fetch('/api/info').then((r) => r.json())")
        print(f"score after a key press: {score_latency(page):.3f} s")
        if args.rewrites:
            for item in json.load(open(args.rewrites, encoding="utf-8")):
                started = time.monotonic()
                out = rewrite_and_save(page, item["id"], item["text"], info["unsafe_class"])
                print(f"{out['id']}: {out['status']}; {time.monotonic() - started:.1f} s in the page; {out['saved']}")
            print("effort:", page.locator("#effort").inner_text())
        page.locator("#queue-list li").first.click()
        page.wait_for_selector("#words .word")
        page.wait_for_timeout(800)
        words = page.locator("#words .word")
        weights = [float(words.nth(i).get_attribute("title").split(": ")[1]) for i in range(words.count())]
        top = max(range(len(weights)), key=lambda i: abs(weights[i]))
        started = time.monotonic()
        words.nth(top).click()
        page.wait_for_selector("#suggestions tr.suggestion")
        print(f"suggestions for {words.nth(top).inner_text()!r}: {time.monotonic() - started:.2f} s, "
              f"{page.locator('#suggestions tr.suggestion').count()} listed")
        page.screenshot(path=args.screenshot, full_page=True)
        print(f"screenshot: {args.screenshot}")
        browser.close()


if __name__ == "__main__":
    main()
