"""Rendering a cycle's pack end to end, in this process or in a child process.

Provides:
- :func:`render_pack` — build the context, render the PDF, write it, record ``PackRendered``
  (with the PDF's SHA-256, the page count and the stamp); returns a :class:`PackResult`;
- :func:`render_pack_subprocess` — the same in ``python -m sop_tui.pack`` so the app stays
  light (no WeasyPrint or analytics in the TUI's process); progress comes back as
  ``progress: ...`` lines on the child's stdout and the result as one ``done: {json}`` line;
- :func:`default_pack_path` — where a pack goes when no ``--out`` is given.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sop_tui.forking import can_fork, fork_child
from sop_tui.settings import Settings

Progress = Callable[[str], None]

PROGRESS_PREFIX = "progress: "
DONE_PREFIX = "done: "


class PackError(RuntimeError):
    """The pack could not be rendered; the message says why."""


@dataclass(frozen=True)
class PackResult:
    """A rendered and recorded pack."""

    path: str
    sha256: str
    pages: int
    appendix_page: int | None
    event_count: int
    head_hash: str
    recorded_seq: int


def default_pack_path(settings: Settings, cycle: str) -> Path:
    """``STORE/packs/sop-pack-CYCLE.pdf``."""
    return settings.store / "packs" / f"sop-pack-{cycle}.pdf"


def render_pack(ws: object, cycle: str | None, out: Path | None, *, settings: Settings,
                progress: Progress | None = None,
                renderer: Renderer | None = None) -> PackResult:
    """Render the decision pack of ``cycle`` to ``out`` and record ``PackRendered``.

    Args:
        ws: the :class:`~sop_tui.cycle.workspace.Workspace`.
        cycle: the cycle (default: the current one).
        out: the PDF's path (default: :func:`default_pack_path`).
        settings: where the templates and the forecast cache are.
        progress: called with a short line before each step.
        renderer: a :class:`Renderer` forked earlier (``python -m sop_tui.pack`` forks it
            first thing, so that WeasyPrint's import starts as early as it can); this call
            then owns it. Otherwise one is forked here.

    Returns:
        The :class:`PackResult`.
    """
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.cycle.workspace import Workspace

    assert isinstance(ws, Workspace)
    say = progress or (lambda _msg: None)
    cycle = cycle or ws.current_cycle()
    # both forks before any thread is started; the renderer first, before pandas is loaded
    if renderer is None:
        renderer = Renderer.start(settings.templates_dir)
    metrics_ready = _prefetch_metrics(ws, cycle, settings)
    warm = _warm_up() if renderer is None else None
    # pandas comes with these: imported after the forks, which do not need it
    from sop_tui.pack.context import build_context
    from sop_tui.pack.render import render_pdf

    planning = CyclePlanning(ws, cycle, cache_dir=settings.cache_dir)
    say(f"reading cycle {cycle}")
    try:
        ctx = build_context(planning, progress=say, before_metrics=metrics_ready)
    except BaseException:
        if renderer is not None:
            renderer.abandon()
        raise
    say("laying out the pages")
    rendered = None
    if renderer is not None:
        sending = renderer.send(ctx)
        _import_event_types()  # needed to record the pack: loaded while the renderer works
        rendered = renderer.result(sending)
    if rendered is None:  # no renderer process, or it failed: render here
        if warm is not None:
            warm.join()
        rendered = render_pdf(ctx, settings.templates_dir)
    path = out or default_pack_path(settings, cycle)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(rendered.pdf)
    os.replace(tmp, path)  # never leave a half-written pack under the real name
    say("recording the pack in the log")
    ev = ws.record("PackRendered", {
        "sha256": rendered.sha256, "file": path.name, "pages": rendered.pages,
        "event_count": ctx.stamp.event_count, "head_hash": ctx.stamp.head_hash,
    }, cycle=cycle)
    return PackResult(path=str(path), sha256=rendered.sha256, pages=rendered.pages,
                      appendix_page=rendered.appendix_page,
                      event_count=ctx.stamp.event_count, head_hash=ctx.stamp.head_hash,
                      recorded_seq=ev.seq)


def _prefetch_metrics(ws: object, cycle: str, settings: Settings) -> Callable[[], None]:
    """Compute the metric views in a forked helper process while this one evaluates the plan.

    On a fresh store the metrics and their trend are ~2 s of a pack and the plan and its
    scenario another ~2 s, independent of each other. The helper opens its own read-only log
    connection (never the parent's), computes the pack's views (``cycle.warm.PACK_VIEWS``:
    imported here, not at the top, which would load the planning before the renderer's fork)
    into the planning view
    cache (``settings.cache_dir``) and leaves with ``os._exit``; the parent, once it needs the
    metrics, waits for it and reads the views from the cache. With the views already cached
    the helper only reads them. If the helper fails, the parent computes the views itself as
    it always did (and meets the same error, reported properly).

    Forking is only done when it is safe: a POSIX system and no other thread in this process
    (``python -m sop_tui.pack`` before its warm-up thread; not inside the app or a test runner
    with threads, where a fork could inherit a lock held by another thread).

    Returns:
        A function that waits for the helper (a no-op without one).
    """
    from sop_tui.cycle.warm import PACK_VIEWS
    from sop_tui.cycle.workspace import Workspace

    assert isinstance(ws, Workspace)
    if not can_fork():
        return lambda: None
    views = settings.cache_dir / "planning"
    if all((views / f"{cycle}-{view}.pkl").exists() for view in PACK_VIEWS):
        # cached (as the app's dashboard leaves them): reading them takes no time worth a
        # process; an entry that turns out stale is computed by the parent
        return lambda: None
    url, actor = ws.log.url, ws.actor
    import sop_tui.data.store  # noqa: F401 - pandas, loaded once for both processes

    def helper() -> int:
        # an error here is the parent's to meet and report: it computes the views again
        from sop_tui.cycle.planning import CyclePlanning
        from sop_tui.events.log import EventLog

        planning = CyclePlanning(Workspace(EventLog(url, read_only=True), actor=actor),
                                 cycle, cache_dir=settings.cache_dir)
        for view in PACK_VIEWS:
            getattr(planning, view)
        return 0

    pid = fork_child(helper)

    def wait() -> None:
        os.waitpid(pid, 0)

    return wait


class Renderer:
    """A forked process that lays out and draws the pack while this one builds its context.

    The two halves of a pack barely depend on each other until the very end: WeasyPrint's
    import (~1.2 s of CPU, with Jinja2 and the template) needs nothing from the log, and the
    context (the log, pandas, the plan's LP, the metric views) needs nothing from WeasyPrint.
    In one process they ran one after the other (a thread importing WeasyPrint only fought the
    analytics for the GIL); on two cores they overlap. The renderer imports what rendering
    needs, then waits for the context on a pipe, renders the PDF and sends back the
    :class:`~sop_tui.pack.render.RenderedPack`; meanwhile this process loads what recording
    the pack needs. Whatever goes wrong in the renderer (it dies, it raises), this process
    renders the pack itself, as it did before, so an error is met and reported here.

    Forked only when it is safe (a POSIX system and no other thread in this process, as for
    :func:`_prefetch_metrics`); it never touches the log, and leaves with ``os._exit``.
    """

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self.pid = pid
        self._to_child = to_child
        self._from_child = from_child
        self._owned = {to_child, from_child}  # the pipe ends not yet handed to a file object
        self._reaped = False

    @classmethod
    def start(cls, templates_dir: Path) -> Renderer | None:
        """Fork the renderer; None when forking is not safe here."""
        if not can_fork():
            return None
        ctx_read, ctx_write = os.pipe()
        res_read, res_write = os.pipe()

        def renderer() -> int:
            os.close(ctx_write)
            os.close(res_read)
            return _render_child(templates_dir, ctx_read, res_write)

        pid = fork_child(renderer)
        os.close(ctx_read)
        os.close(res_write)
        return cls(pid, ctx_write, res_read)

    def send(self, ctx: object) -> threading.Thread:
        """Send the context (from a thread: the pipe fills while the renderer still imports)."""
        import pickle

        data = pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL)
        self._owned.discard(self._to_child)  # the thread's file object closes it

        def write() -> None:
            try:
                with os.fdopen(self._to_child, "wb") as fh:
                    fh.write(data)
            except OSError:  # the renderer is gone: result() finds no answer
                pass

        thread = threading.Thread(target=write, name="pack-send", daemon=True)
        thread.start()
        return thread

    def abandon(self) -> None:
        """No context is coming (building it failed): let the renderer go, and reap it.
        Once the renderer is reaped (here or by :meth:`result`), this does nothing."""
        if self._reaped:
            return
        for fd in self._owned:  # not those a file object owns: closed twice, a reused number
            try:                # could be someone else's
                os.close(fd)
            except OSError:
                pass
        self._owned.clear()
        try:  # it may be still importing WeasyPrint (a second): no need to wait for that
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        self._reaped = True

    def result(self, sending: threading.Thread) -> Any:
        """The renderer's :class:`RenderedPack`, or None if it failed (it is reaped either
        way)."""
        import pickle

        self._owned.discard(self._from_child)  # the file object below closes it
        with os.fdopen(self._from_child, "rb") as fh:
            data = fh.read()
        sending.join()
        _, status = os.waitpid(self.pid, 0)
        self._reaped = True
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            return None
        return pickle.loads(data)


def _render_child(templates_dir: Path, ctx_read: int, res_write: int) -> int:
    """The renderer's work: imports first, then the context from the pipe, the PDF back."""
    import pickle

    render_pdf = _load_renderer(templates_dir)
    if not select.select([ctx_read], [], [], 0)[0]:
        _warm_up_layout(templates_dir)  # the context is not here yet: use the wait
    with os.fdopen(ctx_read, "rb") as fh:
        data = fh.read()
    if not data:  # the parent gave up (an error while building the context)
        return 1
    rendered = render_pdf(pickle.loads(data), templates_dir)
    with os.fdopen(res_write, "wb") as fh:
        fh.write(pickle.dumps(rendered, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


def _load_renderer(templates_dir: Path) -> Callable[..., Any]:
    """Import everything rendering needs and compile the template; return ``render_pdf``.

    The renderer calls this before it waits for the context: that wait is the point of the
    fork. WeasyPrint must be imported here explicitly, because ``render_pdf`` imports it only
    when called (so that importing the module costs the app nothing); until 2026-11-26 it was
    not, and its ~1.2 s import ran after the context arrived, on the pack's critical path.
    """
    from sop_tui.pack.weasy import import_weasyprint

    import_weasyprint()  # this process has one thread: the fast lookup is safe here
    from sop_tui.pack.render import environment, pack_html_class, render_pdf

    environment(templates_dir).get_template("pack.html.j2")
    pack_html_class(templates_dir)  # its stylesheet parsed while we wait, too
    return render_pdf


def _warm_up_layout(templates_dir: Path) -> None:
    """Lay out and draw a line of the pack's fonts: a first render's one-time set-up (the font
    configuration, Pango's font map; ~0.1 s) done while the renderer waits for the context."""
    from sop_tui.pack.render import pack_html_class

    html = ('<p style="font-family: \'DejaVu Sans\'">Warm <b>up</b> <i>1</i> '
            '<span style="font-family: \'DejaVu Sans Mono\'">0</span></p>')
    pack_html_class(templates_dir)(string=html).render().write_pdf()


def _import_event_types() -> None:
    """Recording an event loads the event models (pydantic: ~0.5 s); load them now."""
    import sop_tui.events.types  # noqa: F401


def _warm_up() -> threading.Thread:
    """Import WeasyPrint in a thread while the analytics run.

    Much of an import is file reading and C-extension loading, which release the GIL; on this
    project's machines it takes about a second off a pack. Python's import locks make the main
    thread wait, safely, if it needs one of these modules before the thread is done.
    """

    def work() -> None:
        import weasyprint  # noqa: F401

    thread = threading.Thread(target=work, name="pack-warm-up", daemon=True)
    thread.start()
    return thread


def pack_command(settings: Settings, cycle: str | None, out: Path | None) -> list[str]:
    """The child process's command line (``python -m sop_tui.pack ...``)."""
    cmd = [sys.executable, "-m", "sop_tui.pack", "--store", str(settings.store),
           "--actor", settings.actor]
    if settings.db_url:
        cmd += ["--db", settings.db_url]
    if cycle:
        cmd += ["--cycle", cycle]
    if out is not None:
        cmd += ["--out", str(out)]
    return cmd


def render_pack_subprocess(settings: Settings, cycle: str | None, out: Path | None,
                           on_progress: Progress | None = None) -> Path:
    """Render the pack in a child process; call ``on_progress`` with each progress line.

    Blocking: the TUI calls it from a worker thread.

    Returns:
        The PDF's path.

    Raises:
        PackError: the child failed; the message carries its last error lines.
    """
    say = on_progress or (lambda _msg: None)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(pack_command(settings, cycle, out), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    result: dict[str, object] | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip("\n")
        if line.startswith(PROGRESS_PREFIX):
            say(line.removeprefix(PROGRESS_PREFIX))
        elif line.startswith(DONE_PREFIX):
            result = json.loads(line.removeprefix(DONE_PREFIX))
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0 or result is None:
        tail = " | ".join(stderr.strip().splitlines()[-3:]) or f"exit status {proc.returncode}"
        raise PackError(f"the pack could not be rendered: {tail}")
    return Path(str(result["path"]))


def result_line(result: PackResult) -> str:
    """The child's last stdout line, read back by :func:`render_pack_subprocess`."""
    return DONE_PREFIX + json.dumps(asdict(result), sort_keys=True)


def send_pack(ws: object, pdf_path: Path, to: list[str], *, settings: Settings,
              env: dict[str, str] | None = None, cycle: str | None = None) -> dict[str, object]:
    """E-mail a rendered pack and record ``PackSent`` (with the PDF's SHA-256).

    The subject and body say what the pack decided (from the cycle's events, no analytics),
    its SHA-256 and the log stamp it carries, so a reader can check it.

    Returns:
        What was recorded: ``seq``, ``sha256``, ``to``, ``subject``, ``host``.

    Raises:
        EmailError: the settings or the addresses are wrong (nothing is sent).
        StampError: the file is not a pack rendered by sop.
        OSError / smtplib.SMTPException / ssl.SSLError: sending failed (nothing recorded).
    """
    import hashlib

    from sop_tui.cycle.workspace import Workspace
    from sop_tui.pack.email import SmtpSettings, build_message, parse_addresses, send_message
    from sop_tui.pack.formats import fmt_money
    from sop_tui.pack.tamper import read_stamp

    assert isinstance(ws, Workspace)
    smtp = SmtpSettings.from_env(os.environ if env is None else env)
    addresses = parse_addresses(to)
    stamp = read_stamp(pdf_path)
    cycle = cycle or stamp.cycle
    pdf = pdf_path.read_bytes()
    sha = hashlib.sha256(pdf).hexdigest()
    cs = ws.state().cycles.get(cycle)
    headline, revenue, asks, pages = "decision pack", None, [], 0
    if cs is not None:
        rendered = [e for e in cs.packs if e.payload.get("sha256") == sha]
        pages = int(rendered[-1].payload["pages"]) if rendered else 0
        outcome, rec = cs.outcome, cs.recommendation
        if outcome is not None and outcome.event.type == "PlanApproved":
            headline = f"plan approved ({outcome.payload['scenario']})"
        elif outcome is not None:
            headline = f"consensus overridden ({outcome.payload['scenario']})"
        else:
            headline = "plan awaiting approval"
            asks.append("Approve the recommended plan or override it with named actions.")
        plan = outcome.payload["scenario"] if outcome else (rec.payload["scenario"] if rec
                                                            else None)
        if plan in cs.scenarios:
            revenue = cs.scenarios[plan].payload.get("results", {}).get("revenue")
        if rec is not None:
            asks.extend(rec.payload.get("open_decisions", ()))
    variables = {
        "cycle": cycle, "cycle_label": _cycle_label(cycle), "headline": headline,
        "revenue": fmt_money(revenue), "asks": asks,
        "pages": pages or "?", "sha256": sha, "event_count": stamp.event_count,
        "head_short": stamp.head_hash[:16], "filename": pdf_path.name, "actor": ws.actor,
    }
    msg = build_message(pdf, pdf_path.name, sender=smtp.sender, to=addresses,
                        templates_dir=settings.templates_dir, variables=variables)
    send_message(msg, smtp)
    subject = str(msg["Subject"])
    ev = ws.record("PackSent", {"sha256": sha, "to": addresses, "subject": subject,
                                "host": smtp.host}, cycle=cycle)
    return {"seq": ev.seq, "sha256": sha, "to": addresses, "subject": subject,
            "host": smtp.host}


def _cycle_label(cycle: str) -> str:
    import pandas as pd

    return pd.Period(cycle, freq="M").strftime("%B %Y")
