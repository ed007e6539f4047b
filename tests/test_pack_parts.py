"""The pack's parts, fast: the URL fetcher, the Jinja2 environment, number formats, charts,
and reading a pack's stamp back.

The fetcher is tested on its own and as WeasyPrint's fetcher for raw hostile HTML (the second
wall, behind escaping): nothing outside the template folder is fetched and nothing attached.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from xml.etree import ElementTree

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from sop_tui.formats import units
from sop_tui.pack.charts import (
    fva_svg,
    load_svg,
    metric_trend_svg,
    nice_ticks,
    revenue_vs_target_svg,
)
from sop_tui.pack.fetcher import PackFetcher, RefusedURL
from sop_tui.pack.tamper import StampError, read_stamp
from sop_tui.pack.templating import environment
from sop_tui.pack.typeset import FIGURE_SPACE, PUNCT_SPACE, figure_run, text_width
from sop_tui.settings import RESOURCES

TEMPLATES = RESOURCES / "templates"
VERDICTS = ["baseline", "adds value", "destroys value"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    root = tmp_path / "templates"
    root.mkdir()
    (root / "pack.css").write_text("body { color: black }")
    (tmp_path / "secret.txt").write_text("root:x:0:0")
    os.symlink(tmp_path / "secret.txt", root / "link.css")
    return root


# -- the fetcher ---------------------------------------------------------------------------------


def test_the_fetcher_serves_its_own_assets_and_charts(assets: Path) -> None:
    f = PackFetcher(assets, {"fva": b"<svg/>"})
    css = f.fetch((assets / "pack.css").as_uri())
    assert css.read() == b"body { color: black }"
    assert css.content_type == "text/css"
    chart = f.fetch("chart:fva")
    assert chart.read() == b"<svg/>" and chart.content_type == "image/svg+xml"
    assert f.refused == []


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://example.com/x.css",
    "https://example.com/x.png",
    "ftp://example.com/x",
    "data:text/plain;base64,cm9vdA==",
    "chart:nope",
    "file://otherhost/etc/passwd",
])
def test_the_fetcher_refuses_everything_else(assets: Path, url: str) -> None:
    f = PackFetcher(assets, {"fva": b"<svg/>"})
    with pytest.raises((RefusedURL, ValueError)):
        f.fetch(url)
    assert url in f.refused or url.startswith(("http", "ftp", "data"))


def test_the_fetcher_refuses_paths_that_climb_or_link_out(assets: Path) -> None:
    f = PackFetcher(assets)
    for url in ((assets / ".." / "secret.txt").as_uri(), (assets / "link.css").as_uri(),
                f"file://{assets}/../secret.txt", f"file://{assets}/%2e%2e/secret.txt"):
        with pytest.raises(RefusedURL):
            f.fetch(url)
    assert len(f.refused) == 4


def test_weasyprint_with_the_fetcher_fetches_and_attaches_nothing_from_raw_html(
        assets: Path) -> None:
    """Even unescaped markup (should escaping ever fail) reaches nothing outside the folder."""
    import weasyprint

    html = ('<html><head><link rel="stylesheet" href="pack.css">'
            '<link rel="attachment" href="file:///etc/passwd">'
            '<link rel="attachment" href="../secret.txt"></head><body>'
            '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
            '<a rel="attachment" href="file:///etc/hostname">x</a>'
            '<object data="file:///etc/passwd"></object></body></html>')
    f = PackFetcher(assets)
    pdf = weasyprint.HTML(string=html, base_url=assets.as_uri() + "/", url_fetcher=f).write_pdf()
    assert pdf is not None
    reader = PdfReader(io.BytesIO(pdf))
    assert dict(reader.attachments) == {}
    assert b"root:x" not in pdf
    assert any(u.endswith("/etc/passwd") for u in f.refused)
    assert any(u.endswith("secret.txt") for u in f.refused)
    assert f.served == [(assets / "pack.css").as_uri()]


# -- the environment -----------------------------------------------------------------------------


def test_the_environment_escapes_every_template_and_is_strict() -> None:
    env = environment(TEMPLATES)
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x='<img src="file:///etc/passwd">') == (
        "&lt;img src=&#34;file:///etc/passwd&#34;&gt;")
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    # the pack template itself refuses to render with a variable missing
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("pack.html.j2").render()


def test_no_template_marks_anything_safe() -> None:
    for path in TEMPLATES.glob("*.j2"):
        text = path.read_text()
        assert "|safe" not in text.replace(" ", ""), path.name
        assert "Markup(" not in text


# -- rows of figures ------------------------------------------------------------------------


def test_a_figure_run_pads_each_figure_to_its_column() -> None:
    run = figure_run(["12,345", "7", "1,000"], 8)
    # the first figure is not padded (the run is right-aligned); the others fill 8 digits:
    # "7" gets 7 figure spaces, "1,000" (4 digits and a comma) 3 figure spaces and a comma's
    assert run == ("12,345" + FIGURE_SPACE * 7 + "7"
                   + FIGURE_SPACE * 3 + PUNCT_SPACE + "1,000")


@given(st.lists(st.floats(0, 1e9), min_size=2, max_size=12))
def test_figure_run_columns_end_on_the_column_grid(values: list[float]) -> None:
    texts = [units(v) for v in values]
    run = figure_run(texts, 12)
    # cut the run after each figure: every cut after the first ends 12 digits after the last
    # (to 4/2048 em, 0.01 pt in the appendix: a comma is 651 units, half a digit 651.5)
    ends, at = [], 0
    for t in texts:
        at = run.index(t, at) + len(t)
        ends.append(text_width(run[:at]))
    steps = [b - a for a, b in zip(ends[:-1], ends[1:], strict=True)]
    assert all(abs(step - 12 * text_width("0")) <= 4 for step in steps)


# -- charts ----------------------------------------------------------------------------------------


def test_charts_are_svg_and_escape_their_labels() -> None:
    svg = load_svg(["<b>ASSY</b>", "R&D"], [0.8, 1.0]).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<b>" not in svg
    assert "&lt;b&gt;ASSY&lt;/b&gt;" in svg and "R&amp;D" in svg
    assert "80%" in svg and "100%" in svg


def test_load_is_uncapped_and_the_100_percent_line_strikes_no_label() -> None:
    """Issue 15: the capacity chart capped load at 100% and its 100% line struck through the
    bar labels. Each label sits inside its bar (the line is drawn behind the bars) or, on a
    bar too short to hold it, clear of the line."""
    svg = load_svg(["A", "B", "C", "D", "E"], [0.05, 0.95, 1.0, 1.03, 1.34])
    root = ElementTree.fromstring(svg)
    order = list(root.iter())
    line = next(p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray"))
    line_y = float(line.get("d", "").split()[1])
    rects = [r for r in root.iter(f"{SVG}rect") if "reactive" in r.get("class", "")]
    layer = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "plot text-overlay")
    labels = list(layer.iter(f"{SVG}text"))
    assert [t.text for t in labels] == ["5%", "95%", "100%", "103%", "134%"]
    assert all(order.index(line) < order.index(r) for r in rects)  # behind every bar
    for rect, text in zip(rects, labels, strict=True):
        top, bottom = float(rect.get("y")), float(rect.get("y")) + float(rect.get("height"))
        base, size = float(text.get("y")), float(text.get("font-size"))
        inside = top <= base - size and base <= bottom
        assert inside or not (base - size <= line_y <= base), text.text
    heights = [float(r.get("height")) for r in rects]
    assert heights[4] > heights[2] * 1.3  # 134% is drawn as 134%, not capped at 100%


def test_charts_are_deterministic() -> None:
    a = fva_svg(["Naive", "Statistical", "Sales"], [0.177, 0.129, 0.182], VERDICTS)
    b = fva_svg(["Naive", "Statistical", "Sales"], [0.177, 0.129, 0.182], VERDICTS)
    assert a == b
    assert b"17.7%" in a and b"12.9%" in a


def test_a_trend_with_gaps_still_draws() -> None:
    svg = metric_trend_svg(["2026-01", "2026-02", "2026-03"], [math.nan, math.nan, 4.1e6],
                           percent=False, money=True)
    assert b"2026-01" in svg and b"2026-03" in svg


def _series_paths(root: ElementTree.Element) -> list[str]:
    """The ``d`` of each drawn series line (pygal: ``<path class="line reactive nofill">``)."""
    return [p.get("d", "") for p in root.iter(f"{SVG}path")
            if p.get("class", "").startswith("line reactive")]


def test_a_gap_breaks_the_trend_line() -> None:
    svg = metric_trend_svg(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"],
                           [0.80, math.nan, 0.82, 0.83, 0.84]).decode()
    root = ElementTree.fromstring(svg)
    (line,) = _series_paths(root)
    # 2026-01 stands alone: one run of three points after the gap, not a line across it
    assert line.count("M") == 1 and len(line.replace("M", "").replace("L", "").split()) == 6
    dots = [float(c.get("r", "0")) for c in root.iter(f"{SVG}circle")]
    assert len(dots) == 4 and dots.count(2.0) == 1 and dots[-1] == 2.0  # the last marked


def test_a_gap_between_runs_leaves_two_lines() -> None:
    svg = metric_trend_svg([f"2026-0{i}" for i in range(1, 7)],
                           [0.1, 0.2, math.nan, 0.3, 0.4, 0.5])
    runs = _series_paths(ElementTree.fromstring(svg))
    points = [len(d.replace("M", "").replace("L", "").split()) // 2 for d in runs]
    assert points == [2, 3]


def test_charts_carry_no_script_tooltips_or_random_ids() -> None:
    svg = revenue_vs_target_svg(["2026-12", "2027-01"], [1e6, 2e6], [1.5e6, 1.5e6]).decode()
    root = ElementTree.fromstring(svg)
    assert root.get("id") == "chart-sop-revenue"
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}desc",
                                                    f"{SVG}title")]
    assert "<!--" not in svg and "pygal.config" not in svg


def test_the_revenue_target_is_drawn_as_a_line_in_the_plot() -> None:
    svg = revenue_vs_target_svg(["2026-12", "2027-01", "2027-02"], [1e6, 2e6, 3e6],
                                [1.5e6, None, 2.5e6])
    root = ElementTree.fromstring(svg)
    (target,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "target"]
    paths = target.findall(f"{SVG}path")
    assert len(paths) == 1 + 2  # the line through the two months with a target, two ticks
    assert paths[0].get("stroke") == "#b83227"
    bars = [r for r in root.iter(f"{SVG}rect") if "rect reactive" in r.get("class", "")]
    assert len(bars) == 3
    # the level ticks sit at the targets: 1.5 is halfway between the 1M and 2M bar tops
    tops = [float(b.get("y", "0")) for b in bars]
    tick_y = float(paths[1].get("d", "").split()[1])
    assert tick_y == pytest.approx((tops[0] + tops[1]) / 2, abs=0.02)


def test_no_target_no_line_and_no_legend_entry() -> None:
    svg = revenue_vs_target_svg(["2026-12", "2027-01"], [1e6, 2e6], [None, None])
    assert b'class="target"' not in svg and b"revenue target" not in svg


def test_every_chart_is_well_formed_svg_with_its_labels() -> None:
    charts = {
        "fva": fva_svg(["Naive", "Sales"], [0.2, 0.1], ["baseline", "adds value"]),
        "load": load_svg(["ASSY-A", "PAINT"], [0.8, 1.05]),
        "rev": revenue_vs_target_svg(["2026-12", "2027-01", "2027-02"], [12e6, 14e6, 15e6],
                                     [13e6, None, 15.5e6]),
        "trend": metric_trend_svg(["2026-01", "2026-02"], [0.09, 0.07], target=0.0),
    }
    texts = {}
    for name, svg in charts.items():
        root = ElementTree.fromstring(svg)
        assert root.tag == f"{SVG}svg" and root.get("viewBox")
        texts[name] = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Naive", "Sales", "20.0%", "10.0%"} <= set(texts["fva"])
    assert {"ASSY-A", "PAINT", "80%", "105%"} <= set(texts["load"])
    assert {"26-12", "27-01", "27-02", "revenue target", "plan revenue"} <= set(texts["rev"])
    assert {"2026-01", "2026-02", "0%"} <= set(texts["trend"])


def test_nice_ticks_by_hand() -> None:
    assert nice_ticks(0.0, 21.7, 6) == [0.0, 5.0, 10.0, 15.0, 20.0]
    assert nice_ticks(0.0, 122.0, 6) == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert nice_ticks(81.8, 85.6, 4, min_step=1.0) == [82.0, 83.0, 84.0, 85.0]
    assert nice_ticks(81.8, 83.1, 4) == [82.0, 82.5, 83.0]
    # percent labels print without decimals: a minimum step of 1 never repeats "82%"
    assert nice_ticks(81.8, 83.1, 4, min_step=1.0) == [82.0, 83.0]
    assert nice_ticks(3.92, 4.25, 4, min_step=0.1) == pytest.approx([4.0, 4.1, 4.2])


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6), st.integers(2, 8))
def test_nice_ticks_are_round_evenly_spaced_and_inside(lo: float, span: float,
                                                       most: int) -> None:
    hi = lo + span
    ticks = nice_ticks(lo, hi, most)
    assert 1 <= len(ticks) <= most
    tol = span * 1e-9
    assert all(lo - tol <= t <= hi + tol for t in ticks)
    if len(ticks) >= 2:
        step = ticks[1] - ticks[0]
        pairs = zip(ticks[:-1], ticks[1:], strict=True)
        assert all(math.isclose(b - a, step, rel_tol=1e-6) for a, b in pairs)
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))


# -- the stamp -------------------------------------------------------------------------------------


def _pdf(tmp_path: Path, meta: dict[str, str]) -> Path:
    w = PdfWriter()
    w.add_blank_page(width=100, height=100)
    if meta:
        w.add_metadata(meta)
    p = tmp_path / "x.pdf"
    with p.open("wb") as fh:
        w.write(fh)
    return p


def test_read_stamp_refuses_what_is_not_a_pack(tmp_path: Path) -> None:
    not_pdf = tmp_path / "n.pdf"
    not_pdf.write_text("hello")
    with pytest.raises(StampError, match="cannot be read"):
        read_stamp(not_pdf)
    with pytest.raises(StampError, match="not a decision pack"):
        read_stamp(_pdf(tmp_path, {}))
    with pytest.raises(StampError, match="malformed"):
        read_stamp(_pdf(tmp_path, {"/sopcycle": "2026-12", "/sopeventcount": "3",
                                   "/sopheadhash": "abc"}))
    stamp = read_stamp(_pdf(tmp_path, {"/sopcycle": "2026-12", "/sopeventcount": "3",
                                       "/sopheadhash": "f" * 64}))
    assert (stamp.cycle, stamp.event_count, stamp.head_hash) == ("2026-12", 3, "f" * 64)


# -- decisions -------------------------------------------------------------------------------------


def _decision(seq: int, resource: str = "", months: str = "", chosen: str = "pre-build"
              ) -> dict[str, object]:
    return {"seq": seq, "seqs": [seq], "also": [], "meeting": "Supply review", "retracted": "",
            "amended": [], "options": ["pre-build", "overtime"], "month_list": [months],
            "question": f"q{seq}",
            "chosen": chosen, "rationale": "cheaper", "decided_by": "Ops", "owner": "PM",
            "due": "2027-01-31", "family": "", "resource": resource, "months": months}


def test_capacity_decisions_with_the_same_answer_fold_into_one_row() -> None:
    from sop_tui.pack.sections.decisions import group_decisions

    rows = group_decisions([
        _decision(1, "ASSY-B", "2027-04"), _decision(2, "MACH-2", "2027-07"),
        _decision(3, "PAINT", "2027-06", chosen="overtime"), _decision(4),
        _decision(5), _decision(6, "ASSY-B", "2027-05"),
    ])
    assert [r["seqs"] for r in rows] == [[1, 2, 6], [3], [4], [5]]
    assert rows[0]["question"] == "q1"
    assert rows[0]["also"] == ["MACH-2 2027-07", "ASSY-B 2027-05"]
    assert rows[2]["also"] == [] and rows[3]["also"] == []  # no resource: never folded


# -- the sections' pure parts ----------------------------------------------------------------------


def test_metric_cards_take_this_cycles_point_from_the_headline() -> None:
    """Issue 15: the E&O headline ($3.7M, after the consensus) and its only trend point
    ($4.1M, before it) disagreed. The card's value is the series' point for the cycle."""
    from sop_tui.pack.sections.metrics import metric_cards

    cycles = ["2026-10", "2026-11", "2026-12"]
    series = {"family_accuracy": [0.80, 0.82, 0.83], "bias": [0.10, 0.095, 0.09],
              "plan_attainment": [None, 0.7, 0.72], "eo_value": [None, None, 4.1e6]}
    headline = {"family_accuracy": 0.83, "bias": 0.09, "plan_attainment": 0.72,
                "eo_value": 3.7e6}
    cards = {c["key"]: c for c in metric_cards("2026-12", cycles, series, headline)}
    eo = cards["eo_value"]
    assert eo["value"] == eo["series"][-1] == 3.7e6
    assert eo["previous"] is None and eo["verdict"] == "no trend" and eo["cycles"] == 1
    assert cards["bias"]["flag"].startswith("Over-forecast by +9.0%, beyond ±5%")
    assert cards["family_accuracy"]["flag"] == ""
    assert cards["family_accuracy"]["verdict"] == "better"
    assert cards["plan_attainment"]["first_cycle"] == "2026-11"
    # a trend that stops before the cycle gets the headline appended as its point
    short = metric_cards("2027-01", cycles, series, headline)
    assert short[0]["trend_cycles"][-1] == "2027-01" and short[0]["value"] == 0.83


def test_scenario_adjustments_read_in_words() -> None:
    from sop_tui.pack.sections.scenarios import adjustment_words

    spec = {"demand": [{"target": "BRG-01", "amount": 10.0, "unit": "%", "start": "2027-03",
                        "end": "2027-08"},
                       {"target": "SEA-04", "amount": 10.0, "unit": "%", "start": "2027-03",
                        "end": "2027-08"},
                       {"target": "*", "amount": -500.0, "unit": "units", "start": "2027-12",
                        "end": "2028-02"}],
            "capacity": [{"target": "ASSY-B", "amount": 200.0, "unit": "hours",
                          "start": "2027-05", "end": "2027-05"}],
            "price": [{"target": "FST-01", "amount": 3.0, "unit": "%", "start": None,
                       "end": None}]}
    assert adjustment_words(spec) == [
        "Demand +10% for BRG-01 and SEA-04, Mar–Aug 2027",
        "Demand −500 units a month for every family, Dec 2027–Feb 2028",
        "Capacity +200 hours a month at ASSY-B, May 2027",
        "Price +3% on FST-01",
    ]


def test_scenario_recorded_as_cli_text_reads_in_words() -> None:
    """The demo records its scenarios' adjustments as the CLI's text (``*:+5%``), which the
    planning reads; the pack crashed on them (string indices must be integers)."""
    from sop_tui.pack.sections.scenarios import adjustment_words

    spec = {"name": "upside", "description": "upside case", "demand": ["*:+5%"],
            "capacity": ["ASSY-B:+200h:2027-05"], "price": []}
    assert adjustment_words(spec) == ["Demand +5% for every family",
                                      "Capacity +200 hours a month at ASSY-B, May 2027"]


def test_months_read_as_runs() -> None:
    from sop_tui.pack.model import month_ranges

    assert month_ranges(["2027-04", "2027-05", "2027-06", "2028-03"]) == \
        "Apr–Jun 2027, Mar 2028"
    assert month_ranges(["2027-12", "2028-01"]) == "Dec 2027–Jan 2028"
    assert month_ranges([]) == ""


def test_an_open_decision_finds_the_decision_that_answered_it() -> None:
    from sop_tui.pack.sections.decisions import matching_decision

    recorded = [_decision(1), {**_decision(2), "question": "Pass the fastener price rise to "
                                                            "distributors?"}]
    found = matching_decision("Decide whether to pass the fastener price rise to distributors",
                              recorded)
    assert found is not None and found["seq"] == 2
    assert matching_decision("Hire a second shift in the paint shop", recorded) is None


def test_grouped_capacity_decisions_say_what_they_cover() -> None:
    from sop_tui.pack.sections.decisions import group_decisions

    rows = group_decisions([_decision(1, "ASSY-B", "2027-04"), _decision(2, "ASSY-B", "2027-05"),
                            _decision(3, "MACH-2", "2027-07")])
    assert len(rows) == 1 and rows[0]["covers"] == "ASSY-B Apr–May 2027; MACH-2 Jul 2027"
    retracted = {**_decision(4, "ASSY-B", "2027-06"), "retracted": "a typo"}
    assert len(group_decisions([_decision(1, "ASSY-B", "2027-04"), retracted])) == 2


def test_a_long_text_is_cut_at_a_word_for_page_one() -> None:
    from sop_tui.pack.typeset import excerpt

    assert excerpt("short enough", 40) == "short enough"
    assert excerpt("the target stands: close the gap with named actions", 30) == \
        "the target stands: close the…"


def test_the_pack_process_loads_no_pandas_until_a_part_is_computed() -> None:
    """A pack built from its cached parts needs neither pandas nor SciPy (~0.5-0.8 s): the
    renderer's imports (``python -m sop_tui.pack``) must not pull them in."""
    out = _run_python(
        "import sys\n"
        "import sop_tui.pack.__main__\n"
        "print(sorted(m for m in ('pandas', 'scipy', 'statsmodels') if m in sys.modules))\n"
    )
    assert out.strip() == "[]"


def _run_python(code: str) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120).stdout
