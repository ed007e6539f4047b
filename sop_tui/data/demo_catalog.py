"""The demo company's catalogue: product families, work centres, people and the words they use.

This module holds the static shape of the demo manufacturer (a components maker shaped like the
worked example of ``reference/sop-best-practices.txt``) and builds its item master. The numbers
that move (demand, forecasts, stock) are simulated in :mod:`sop_tui.data.demo`.

Provides:
- :data:`FAMILIES`: the 40 product families (code, description, product group);
- :data:`GROUPS`: per product group the unit price range, the seasonal peak, and the routing;
- :data:`RESOURCES`: the eight work centres;
- :data:`OWNERS` and the assumption phrases of each demand source;
- :func:`build_items`: the item master (one row per SKU) and its per-item parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Group:
    """A product group: the families that share a price band, a season and a routing.

    Attributes:
        noun: what one item is called in a description ("Ball bearing").
        price: (low, high) median unit price of a family in the group, in dollars.
        peak: calendar month (1-12) of the seasonal peak.
        amplitude: (low, high) seasonal amplitude of a family (0.2 = +/-20 %).
        route: (resource, relative hours per unit) pairs.
        specs: spec fragments used to make item descriptions readable.
    """

    noun: str
    price: tuple[float, float]
    peak: int
    amplitude: tuple[float, float]
    route: tuple[tuple[str, float], ...]
    specs: tuple[str, ...]


GROUPS: dict[str, Group] = {
    "bearings": Group(
        "Bearing",
        (25, 80),
        4,
        (0.12, 0.25),
        (("MACH-1", 1.0), ("HEAT-T", 0.6), ("ASSY-A", 0.8)),
        ("6204-2RS", "6305-ZZ", "30208", "NK25/20", "UCP205", "GE20-ES", "6010-C3"),
    ),
    "bushings": Group(
        "Bushing",
        (6, 15),
        5,
        (0.05, 0.15),
        (("MACH-2", 1.0), ("PRESS-2", 0.5)),
        ("20x26x20", "25x32x30", "12x18x15", "40x50x40", "F30x36x25"),
    ),
    "seals": Group(
        "Seal",
        (3, 20),
        6,
        (0.05, 0.12),
        (("MOLD-3", 1.0), ("ASSY-B", 0.3)),
        ("35x52x7 NBR", "50x72x8 FKM", "AS568-214", "40x55x10 PU", "60x80x8 NBR"),
    ),
    "couplings": Group(
        "Coupling",
        (60, 150),
        7,
        (0.15, 0.3),
        (("MACH-1", 1.0), ("ASSY-B", 0.7), ("PAINT", 0.3)),
        ("L-075", "L-100", "GC-1020", "DC-15", "L-150", "GC-1040"),
    ),
    "gears": Group(
        "Gear",
        (40, 200),
        4,
        (0.15, 0.3),
        (("MACH-2", 1.0), ("HEAT-T", 0.8)),
        ("M2 Z40", "M3 Z24", "M1.5 Z60", "WG 30:1", "M2.5 Z32 HT"),
    ),
    "fasteners": Group(
        "Fastener",
        (0.6, 3.0),
        4,
        (0.08, 0.2),
        (("PRESS-2", 1.0), ("HEAT-T", 0.2), ("PAINT", 0.15)),
        ("M8x30", "M10x50", "M12x80", "1/2-13x2", "M16x120", "3/8-16x1.5"),
    ),
    "valves": Group(
        "Valve",
        (40, 150),
        7,
        (0.15, 0.3),
        (("MACH-1", 0.8), ("ASSY-A", 1.0), ("PAINT", 0.4)),
        ('1/2" NPT', '3/4" NPT', '1" NPT', '2" FLG', "DN25 PN40"),
    ),
    "springs": Group(
        "Spring",
        (1.0, 5.0),
        5,
        (0.05, 0.15),
        (("PRESS-2", 0.7), ("HEAT-T", 0.5)),
        ("CS 1.2x12x40", "CS 2.0x20x60", "TS 90deg 1.5", "CS 3.0x30x80"),
    ),
    "shafts": Group(
        "Shaft",
        (50, 150),
        4,
        (0.12, 0.25),
        (("MACH-1", 1.0), ("HEAT-T", 0.7)),
        ("20h6 x 500", "25h6 x 800", "30 keyed x 600", "40h7 x 1000"),
    ),
    "drives": Group(
        "Drive part",
        (30, 80),
        4,
        (0.1, 0.2),
        (("MACH-2", 1.0), ("PAINT", 0.5)),
        ("SPA 2-groove 160", "SPB 3-groove 200", "08B-1 Z19", "10B-1 Z25"),
    ),
    "gaskets": Group(
        "Gasket",
        (5, 30),
        6,
        (0.05, 0.12),
        (("PRESS-2", 0.4), ("MOLD-3", 0.6)),
        ("DN50 PN16", "DN80 CL150", "DN100 SW", "DN25 PN40"),
    ),
    "hydraulics": Group(
        "Fitting",
        (8, 25),
        5,
        (0.08, 0.18),
        (("MACH-2", 0.8), ("ASSY-A", 0.5)),
        ("JIC 1/2", "ORFS 3/4", "BSPP 1/4", "QC 3/8 ISO-A"),
    ),
    "chains": Group(
        "Chain",
        (40, 120),
        4,
        (0.15, 0.28),
        (("PRESS-2", 0.6), ("HEAT-T", 0.8), ("ASSY-B", 0.8)),
        ("ANSI 40 10ft", "ANSI 60 10ft", "08B-1 5m", "C2050 10ft"),
    ),
    "linear": Group(
        "Linear guide",
        (150, 300),
        9,
        (0.08, 0.15),
        (("MACH-1", 1.2), ("ASSY-A", 1.0)),
        ("HGR15 x 600", "HGR20 x 1000", "HGH25CA", "MGN12H"),
    ),
}

# (family code, description, group). "NA-VALVES" is region-coded on purpose: "NA" must be read
# as a code (North America), never as a missing value.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("BRG-01", "Ball bearings, deep groove", "bearings"),
    ("BRG-02", "Tapered roller bearings", "bearings"),
    ("BRG-03", "Needle roller bearings", "bearings"),
    ("BRG-04", "Mounted pillow-block bearings", "bearings"),
    ("BRG-05", "Spherical plain bearings", "bearings"),
    ("BSH-01", "Bronze sleeve bushings", "bushings"),
    ("BSH-02", "Polymer bushings", "bushings"),
    ("BSH-03", "Flanged bushings", "bushings"),
    ("SEA-01", "Radial shaft seals", "seals"),
    ("SEA-02", "O-rings, nitrile and FKM", "seals"),
    ("SEA-03", "Hydraulic rod seals", "seals"),
    ("SEA-04", "Mechanical face seals", "seals"),
    ("CPL-01", "Jaw couplings", "couplings"),
    ("CPL-02", "Gear couplings", "couplings"),
    ("CPL-03", "Disc couplings", "couplings"),
    ("GEA-01", "Spur gears", "gears"),
    ("GEA-02", "Helical gears", "gears"),
    ("GEA-03", "Worm gear sets", "gears"),
    ("GEA-04", "Bevel gears", "gears"),
    ("FST-01", "Hex bolts, grade 8", "fasteners"),
    ("FST-02", "Socket cap screws", "fasteners"),
    ("FST-03", "Lock nuts", "fasteners"),
    ("FST-04", "Anchor bolts", "fasteners"),
    ("FST-05", "Washers and spacers", "fasteners"),
    ("NA-VALVES", "Ball valves, North America range", "valves"),
    ("VLV-02", "Check valves", "valves"),
    ("VLV-03", "Needle valves", "valves"),
    ("SPR-01", "Compression springs", "springs"),
    ("SPR-02", "Torsion springs", "springs"),
    ("SHF-01", "Precision ground shafts", "shafts"),
    ("SHF-02", "Keyed drive shafts", "shafts"),
    ("PUL-01", "V-belt pulleys", "drives"),
    ("PUL-02", "Roller-chain sprockets", "drives"),
    ("GSK-01", "Flange gaskets", "gaskets"),
    ("GSK-02", "Spiral-wound gaskets", "gaskets"),
    ("HYD-01", "Hydraulic hose fittings", "hydraulics"),
    ("HYD-02", "Hydraulic quick couplers", "hydraulics"),
    ("CHN-01", "Roller chain", "chains"),
    ("CHN-02", "Conveyor chain", "chains"),
    ("LIN-01", "Linear guides and carriages", "linear"),
)

# The work centres (which ones bind is decided by the demand's seasonal peaks, see demo_sim).
RESOURCES: tuple[tuple[str, str], ...] = (
    ("HEAT-T", "Heat treatment furnaces"),
    ("PRESS-2", "Stamping press line 2"),
    ("ASSY-A", "Assembly cell A"),
    ("MACH-1", "CNC machining cell 1"),
    ("MACH-2", "CNC machining cell 2"),
    ("ASSY-B", "Assembly cell B"),
    ("MOLD-3", "Injection moulding 3"),
    ("PAINT", "Coating and paint line"),
)

# Working days per calendar month (Jan..Dec): capacity follows the shop calendar, so February
# and the December shutdown have fewer hours.
WORKING_DAYS: tuple[int, ...] = (20, 19, 22, 21, 21, 21, 19, 22, 21, 22, 20, 17)

OWNERS: dict[str, tuple[str, ...]] = {
    "sales": ("Dana Ruiz (Sales)", "Marcus Lee (Sales)", "Elena Petrova (Sales)"),
    "marketing": ("Priya Shah (Marketing)",),
    "finance": ("Tom Becker (Finance)",),
    "planner": ("Alex Kim (Demand Planning)",),
}

SALES_ASSUMPTIONS: tuple[str, ...] = (
    "Two new OEM programs ramp from March; price increase of 3% holds",
    "Distributor restocking in the Midwest adds volume from Q2; no share loss to imports",
    "Pipeline: four quotes above 60% probability close this quarter",
    "Key account renews its frame contract at +15% volume",
    "Replacement demand from the 2024 installed base peaks next spring",
    "Win-back of the lost Canadian distributor from February",
    "New e-commerce channel adds 5% on top of the run rate",
)
MARKETING_ASSUMPTIONS: tuple[str, ...] = (
    "Trade show campaign lifts Q2",
    "Catalogue relaunch in spring brings a short bump in April-May",
    "Web configurator launch adds about 3%",
    "Trade-in promotion in Q3 pulls demand forward",
    "Co-marketing with two distributors in March",
)
FINANCE_ASSUMPTIONS: tuple[str, ...] = (
    "Budget growth of 6% over prior year, flat phasing",
    "Budget: prior year plus 5%, phased by working days",
    "Budget growth of 6%; price increase of 3% included",
)
PLANNER_ASSUMPTION = (
    "Statistical baseline (exponential smoothing, 42 months of history), known launches and "
    "phase-outs applied"
)


@dataclass
class Catalogue:
    """The item master and the per-item parameters the simulation needs (aligned by position).

    Attributes:
        items: the ``items`` frame (unit prices not yet scaled to the revenue target).
        family_index: per item, the position of its family in :data:`FAMILIES`.
        monthly_revenue: per item, the expected monthly revenue at the reference month, dollars.
        lifecycle: per item, "active", "new" or "phase_out".
        intermittent: per item, whether demand arrives in rare lumps.
    """

    items: pd.DataFrame
    family_index: np.ndarray
    monthly_revenue: np.ndarray
    lifecycle: np.ndarray
    intermittent: np.ndarray


def _sku_codes(rng: np.random.Generator, n: int, na_family: np.ndarray) -> np.ndarray:
    """Six-digit SKU codes (many with leading zeros); the NA-VALVES range is coded "NA1001"..."""
    numbers = rng.choice(np.arange(1_000, 400_000), size=n, replace=False)
    codes = np.array([f"{x:06d}" for x in numbers], dtype=object)
    k = int(na_family.sum())
    codes[na_family] = [f"NA{1001 + j}" for j in range(k)]
    return codes


def build_items(rng: np.random.Generator, n_items: int = 3_500) -> Catalogue:
    """Build the item master: SKUs spread over the families, with skewed revenue.

    Revenue per SKU is lognormal (sigma about 1.7), which puts roughly 80 % of revenue in the top
    20 % of items; the bottom third of the catalogue gets intermittent, lumpy demand.

    Args:
        rng: the generator (consumed in a fixed order, so the result is deterministic).
        n_items: how many SKUs.

    Returns:
        The catalogue; unit prices are in dollars before the revenue calibration.
    """
    n_fam = len(FAMILIES)
    fam_weight = rng.dirichlet(np.full(n_fam, 6.0))
    # Every family has at least a handful of items; the rest are spread by weight.
    family_index = np.sort(
        np.concatenate(
            [
                np.repeat(np.arange(n_fam), 5),
                rng.choice(n_fam, size=n_items - 5 * n_fam, p=fam_weight),
            ]
        )
    )
    groups = [GROUPS[f[2]] for f in FAMILIES]

    fam_price = np.array(
        [np.exp(rng.uniform(np.log(g.price[0]), np.log(g.price[1]))) for g in groups]
    )
    price = fam_price[family_index] * np.exp(rng.normal(0.0, 0.45, n_items))
    margin = rng.uniform(0.22, 0.42, n_items)  # gross margin per item

    fam_scale = np.exp(rng.normal(0.0, 0.5, n_fam))
    monthly_revenue = np.exp(rng.normal(0.0, 1.5, n_items)) * fam_scale[family_index]

    # Lifecycle: ~4 % new launches, ~5 % being phased out, the rest active.
    u = rng.random(n_items)
    lifecycle = np.where(u < 0.04, "new", np.where(u < 0.09, "phase_out", "active")).astype(object)
    # The long tail: a third of the catalogue (lowest revenue, not new) sells in rare lumps.
    rank = np.argsort(np.argsort(monthly_revenue))
    intermittent = (rank < int(n_items * 0.33)) & (lifecycle != "new")
    # Spare-part-like tail items are dearer per unit, so their units are small.
    price = np.where(intermittent, price * rng.uniform(1.5, 4.0, n_items), price)
    cost = price * (1.0 - margin)

    family_codes = np.array([f[0] for f in FAMILIES], dtype=object)
    fam = family_codes[family_index]
    codes = _sku_codes(rng, n_items, fam == "NA-VALVES")
    spec_pick = rng.integers(0, 1_000, n_items)
    descriptions = np.array(
        [
            f"{groups[fi].noun} {groups[fi].specs[s % len(groups[fi].specs)]}"
            f" ({FAMILIES[fi][1].split(',')[0].lower()})"
            for fi, s in zip(family_index, spec_pick, strict=True)
        ],
        dtype=object,
    )
    items = pd.DataFrame(
        {
            "sku": pd.Series(codes, dtype=object),
            "description": pd.Series(descriptions, dtype=object),
            "family": pd.Series(fam, dtype=object),
            "unit_price": price.astype("float64"),
            "unit_cost": cost.astype("float64"),
            "lifecycle": pd.Series(lifecycle, dtype=object),
        }
    )
    return Catalogue(items, family_index, monthly_revenue, lifecycle.astype(str), intermittent)
