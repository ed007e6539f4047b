"""``sop demo``: write the demo company as CSV files, import them, open the cycle.

The files land under ``STORE/demo/KIND.csv`` so a newcomer sees the import format, and they go
through the ordinary import path — the demo is a real user of the product, not a back door.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sop_tui.cycle.workspace import Workspace
from sop_tui.data.demo import DEMO_CYCLE, generate, write_csv
from sop_tui.data.store import files_in, import_files


def build_demo_store(
    ws: Workspace,
    directory: Path,
    *,
    seed: int = 7,
    progress: Callable[[str], None] = lambda _msg: None,
) -> list[str]:
    """Generate, write, import and open the demo cycle; return a summary, line by line."""
    progress(f"generating the demo company (seed {seed})…")
    frames = generate(seed=seed, cycle=DEMO_CYCLE)
    directory.mkdir(parents=True, exist_ok=True)
    write_csv(frames, directory)
    state = ws.state()
    cs = state.cycles.get(DEMO_CYCLE)
    if cs is None or cs.opened is None:
        ws.open_cycle(DEMO_CYCLE, note=f"demo company, seed {seed}")
    progress(f"importing {directory}…")
    outcome = import_files(ws.log, files_in(directory), cycle=DEMO_CYCLE, actor=ws.actor)
    items = frames["items"]
    actuals = frames["actuals"]
    last12 = actuals[actuals["month"] > actuals["month"].max() - 12]
    revenue = float((last12["units"] * last12["sku"].map(items.set_index("sku")["unit_price"]))
                    .sum())
    lines = [
        f"demo company (seed {seed}) in {directory}",
        f"  {len(items):,} SKUs in {items['family'].nunique()} families; "
        f"trailing-12-month revenue ${revenue / 1e6:,.1f}M",
        f"  {actuals['month'].nunique()} months of actuals "
        f"({actuals['month'].min()} .. {actuals['month'].max()})",
    ]
    for f in outcome.files:
        state_word = "already imported" if f.skipped else "imported"
        lines.append(f"  {f.kind:<17} {f.rows:>9,} rows  {state_word} (event {f.seq})")
    lines.append(f"cycle {DEMO_CYCLE} is open; the log has {ws.log.head().count} events")
    return lines
