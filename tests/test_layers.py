"""The headless core at run time: nothing outside sop_tui/tui/ loads Textual, and ``sop``
reaches the app without the numbers libraries.

The import rules between layers are import-linter's contracts (pyproject.toml, run by
scripts/check); these tests check what is actually imported when the code runs.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import sop_tui


def _core_modules() -> list[str]:
    return sorted(
        m.name for m in pkgutil.walk_packages(sop_tui.__path__, "sop_tui.")
        if not m.name.startswith("sop_tui.tui")
    )


def test_core_runs_without_textual() -> None:
    mods = _core_modules()
    assert "sop_tui.events.log" in mods and "sop_tui.cli" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"the core imported Textual: {out.stdout}"


def test_the_app_starts_without_the_numbers_libraries() -> None:
    """``sop`` alone opens the app: the path there (the command group, the launch, the app and
    its dashboard) imports neither pandas nor what the other commands need."""
    code = (
        "import sys\n"
        "from sop_tui.cli.app import build\n"
        "group = build()\n"
        "import sop_tui.cli.tui_cmds, sop_tui.tui.app, sop_tui.tui.screens.dashboard\n"
        "heavy = ('pandas', 'numpy', 'statsmodels', 'scipy', 'smtplib', 'weasyprint')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
        "group.get_command(None, 'forecast')\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    first, second = out.stdout.splitlines()
    assert first == "", f"imported on the way to the app: {first}"
    assert second == "True"  # a command that needs it still gets it


def test_every_command_is_found_in_its_module() -> None:
    import importlib

    import click

    from sop_tui.cli.app import COMMAND_MODULES, build

    registered: dict[str, str] = {}
    for module in sorted(set(COMMAND_MODULES.values())):
        group = click.Group()
        importlib.import_module(f"sop_tui.cli.{module}").register(group)
        registered |= dict.fromkeys(group.commands, module)
    assert registered == COMMAND_MODULES
    ctx = click.Context(build())
    assert build().list_commands(ctx) == sorted(COMMAND_MODULES)


def test_a_mistyped_command_is_refused_with_the_closest_name() -> None:
    from click.testing import CliRunner

    from sop_tui.cli.app import build

    r = CliRunner().invoke(build(), ["revew"])
    assert r.exit_code == 2
    assert "No such command 'revew'. Did you mean 'review'?" in r.output
    r = CliRunner().invoke(build(), ["forcast"])
    assert "Did you mean 'forecast'?" in r.output
