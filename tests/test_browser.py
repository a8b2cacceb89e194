"""The playground's explorers in a real browser: JupyterLab (run all, then one key press per explorer)
and Voila (the notebook as an app). Needs Debian's chromium (/usr/bin/chromium; ``python3 course.py test``
installs it when run as root) and the playwright Python package (never ``playwright install``).

Screenshots of every explorer go to artifacts/screenshots/<name>.png, and a full-page one on failure.
The helpers here are also used by benchmarks/widget_latency.py. See /work/shared/notes/browser-tests.md
for the traps these follow (settings file, waiting for a real kernel before Run All, ...).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAYGROUND = ROOT / "notebooks" / "playground"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

#: explorer name (CSS class explorer-<name>) -> label of the slider the tests press ArrowRight on
EXPLORERS = {
    "regularization": "lambd",
    "optimizer": "alpha",
    "lr-decay": "decay_rate",
    "initialization": "hidden layers",
    "ewa": "beta",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium; "
                                                     "`python3 course.py test` does it when run as root)"),
]


# --------------------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(cache_dir: Path, home: Path) -> dict:
    """The environment of the servers (and so of their kernels): one BLAS thread, isolated Jupyter dirs."""
    env = dict(os.environ)
    env.update(
        OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg",
        COURSE_WIDGETS_CACHE=str(cache_dir),
        JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"), JUPYTER_PLATFORM_DIRS="1",
    )
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def wait_http(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def wait_port(port: int, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.25)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server we started (it shuts its kernels down), SIGKILL if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextlib.contextmanager
def jupyter_lab(root: Path, work: Path, cache_dir: Path):
    """Run JupyterLab on ``root``; yields ``(base_url, token)``. Fresh settings and workspaces dirs."""
    settings = work / "settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}))
    # no "Would you like to get notified about Jupyter news?" toast over the screenshots
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True}))
    workspaces = work / "workspaces"
    workspaces.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    log = work / "lab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", "--allow-root", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}",
        "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False",
    ]
    with open(log, "wb") as stream:
        proc = subprocess.Popen(command, cwd=root, env=server_env(cache_dir, work), stdout=stream,
                                stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/api/status?token={token}", 60, proc, log)
        yield base, token
    finally:
        stop(proc)


@contextlib.contextmanager
def voila(notebook: Path, work: Path, cache_dir: Path):
    """Serve ``notebook`` with Voila; yields the page URL (with its token)."""
    work.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    log = work / "voila.log"
    command = [sys.executable, "-m", "voila", notebook.name, "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", f"--token={token}"]
    with open(log, "wb") as stream:
        proc = subprocess.Popen(command, cwd=notebook.parent, env=server_env(cache_dir, work), stdout=stream,
                                stderr=subprocess.STDOUT)
    try:
        wait_port(port, 60, proc, log)  # (requesting the page would already start the notebook)
        yield f"http://127.0.0.1:{port}/?token={token}"
    finally:
        stop(proc)


# --------------------------------------------------------------------------- browser
@contextlib.contextmanager
def chromium(work: Path):
    """A headless Debian chromium driven by playwright, with a fresh user-data dir; yields a context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(work / "chromium-profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1300, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


class ConsoleLog:
    """Console errors and uncaught exceptions of a page; failed requests to other hosts are ignored."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if "Failed to load resource" in message.text and not url.startswith("http://127.0.0.1"):
            return  # fonts / CDNs: nothing outside the machine is reachable
        self.errors.append(f"{message.text} ({url})")

    def widget_errors(self) -> list[str]:
        return [e for e in self.errors if re.search(r"widget|uncaught|model|comm", e, re.IGNORECASE)]


def open_notebook(page, base: str, token: str, path: str) -> None:
    """Open ``path`` in JupyterLab and wait until a real kernel is idle (a Run All before that is lost)."""
    page.goto(f"{base}/lab/tree/{path}?token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=60_000)
    page.wait_for_function(
        """() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            if (!panel) return false;
            const name = panel.querySelector('.jp-Toolbar-kernelName');
            const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
            return name && /python/i.test(name.textContent) && !/no kernel/i.test(name.textContent)
                && status && status.getAttribute('data-status') === 'idle';
        }""",
        timeout=90_000,
    )


def run_all(page, timeout_ms: int = 240_000) -> list[str]:
    """Run all cells and wait until every code cell shows an execution count; returns the prompts."""
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=timeout_ms,
    )
    return page.eval_on_selector_all(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt",
                                     "nodes => nodes.map(n => n.textContent.trim())")


def wait_for_explorers(page, names, timeout_ms: int = 120_000) -> None:
    for name in names:
        page.wait_for_function(
            f"""() => {{ const img = document.querySelector('.explorer-{name} img.explorer-image');
                       return img && img.src && img.complete && img.naturalWidth > 0; }}""",
            timeout=timeout_ms,
        )


def slider_handle(page, explorer: str, label: str):
    """The focusable noUiSlider handle of the slider labelled ``label`` inside explorer ``explorer``."""
    slider = page.locator(f".explorer-{explorer} .widget-slider").filter(
        has=page.locator("label.widget-label", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")))
    return slider.locator(".noUi-handle[role=slider]").first


def explorer_state(page, explorer: str) -> dict:
    return page.evaluate(
        f"""() => {{ const root = document.querySelector('.explorer-{explorer}');
                    return {{ src: root.querySelector('img.explorer-image').src,
                              readouts: root.querySelector('.explorer-readouts').innerText }}; }}""")


def press_and_wait(page, explorer: str, label: str, key: str = "ArrowRight", timeout_ms: int = 30_000) -> dict:
    """Focus the slider's handle, press ``key``; wait for a new picture and new read-outs. Returns both states."""
    before = explorer_state(page, explorer)
    handle = slider_handle(page, explorer, label)
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press(key)
    page.wait_for_function(
        """([name, src, text]) => { const root = document.querySelector('.explorer-' + name);
               const img = root.querySelector('img.explorer-image');
               return img.src !== src && img.complete && img.naturalWidth > 0
                   && root.querySelector('.explorer-readouts').innerText !== text; }""",
        arg=[explorer, before["src"], before["readouts"]],
        timeout=timeout_ms,
    )
    return {"before": before, "after": explorer_state(page, explorer), "value": handle.get_attribute("aria-valuenow")}


@contextlib.contextmanager
def screenshot_on_failure(page, name: str):
    try:
        yield
    except BaseException:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SCREENSHOTS / f"failure-{name}.png"), full_page=True)
        raise


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def work():
    pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    folder = Path(tempfile.mkdtemp(prefix="browser-tests-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """The session's widget cache (shared with tests/test_widgets.py, which may have filled it)."""
    folder = tmp_path_factory.getbasetemp() / "widget-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def root(work):
    folder = work / "root"
    shutil.copytree(PLAYGROUND, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return folder


@pytest.fixture(scope="module")
def browser(work):
    with chromium(work) as context:
        yield context


@pytest.fixture(scope="module")
def lab_page(root, work, cache_dir, browser):
    """JupyterLab with the playground open and every cell run once."""
    with jupyter_lab(root, work / "lab", cache_dir) as (base, token):
        page = browser.new_page()
        console = ConsoleLog(page)
        with screenshot_on_failure(page, "lab-run-all"):
            open_notebook(page, base, token, "playground.ipynb")
            prompts = run_all(page)
            wait_for_explorers(page, EXPLORERS)
        page.console_log = console
        page.prompts = prompts
        try:
            yield page
        finally:
            page.close()


# --------------------------------------------------------------------------- tests
def test_lab_runs_every_cell(lab_page):
    assert len(lab_page.prompts) == 6
    assert all(re.fullmatch(r"\[\d+\]:?", prompt) for prompt in lab_page.prompts), lab_page.prompts
    errors = lab_page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [text for text in errors.all_inner_texts() if "Traceback" in text or "Error" in text]
    assert not tracebacks, tracebacks[0][:2000]
    assert lab_page.locator(".course-explorer").count() == len(EXPLORERS)


@pytest.mark.parametrize("explorer", list(EXPLORERS))
def test_key_press_updates_the_explorer(lab_page, explorer):
    with screenshot_on_failure(lab_page, f"lab-{explorer}"):
        result = press_and_wait(lab_page, explorer, EXPLORERS[explorer])
        assert result["after"]["src"] != result["before"]["src"]
        assert result["after"]["readouts"] != result["before"]["readouts"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        lab_page.locator(f".explorer-{explorer}").screenshot(path=str(SCREENSHOTS / f"{explorer}.png"))
        errors = [e for e in lab_page.console_log.widget_errors()]
        assert not errors, errors


def test_voila_serves_the_playground(root, work, cache_dir, browser):
    with voila(root / "playground.ipynb", work / "voila", cache_dir) as url:
        page = browser.new_page()
        console = ConsoleLog(page)
        try:
            with screenshot_on_failure(page, "voila"):
                page.goto(url, timeout=120_000)
                wait_for_explorers(page, EXPLORERS, timeout_ms=180_000)
                result = press_and_wait(page, "ewa", EXPLORERS["ewa"])
                assert result["after"]["src"] != result["before"]["src"]
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "voila.png"))
                assert not console.widget_errors(), console.widget_errors()
        finally:
            page.close()
