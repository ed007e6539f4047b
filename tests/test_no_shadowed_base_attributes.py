"""No class of ours names an attribute after one its library base classes already define.

The regression this pins: the meeting screen kept "is this meeting closed?" in ``self._closed``,
the flag Textual's message pump reads to end its loop. Once a meeting had been closed, opening
it again set the flag on a live screen: the app stopped answering every key and had to be
killed. The whole class of that bug is guarded here, for every library we subclass (Textual,
pydantic, SQLModel, click...): every class under ``sop_tui`` is read (its source, with ``ast``)
for the names it declares — class attributes, methods, properties and ``self.X = ...``
assignments — and each name is looked up in its non-``sop_tui`` bases: their ``dir()`` and the
``self.X`` their own sources assign (instance attributes such as ``_closed`` appear in no
``dir()`` of the class). A name found there must be a documented override point, listed below
with the reason it is one.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from functools import cache

import sop_tui

#: The names a subclass of a library's class is meant to declare: the library documents them as
#: what a subclass sets or overrides. Anything else a base defines is the library's own.
ALLOWED: dict[str, str] = {
    # -- Textual: class variables its guide tells subclasses to set
    "BINDINGS": "Textual: a widget's / screen's / app's key bindings",
    "CSS": "Textual: an app's or screen's stylesheet",
    "CSS_PATH": "Textual: an app's or screen's stylesheet files",
    "DEFAULT_CSS": "Textual: a widget's default styles",
    "COMPONENT_CLASSES": "Textual: a widget's stylable parts",
    "COMMANDS": "Textual: the command palette's providers",
    "TITLE": "Textual: the app's title",
    "AUTO_FOCUS": "Textual: what a screen focuses when shown",
    "HORIZONTAL_BREAKPOINTS": "Textual: a screen's width classes",
    "CURSOR_BLINK": "Textual: App.CURSOR_BLINK (tests switch it off)",
    "can_focus": "Textual: whether a widget takes the focus",
    # -- Textual: methods its guide tells subclasses to implement
    "compose": "Textual: a widget's children",
    "render": "Textual: a widget's content",
    "render_line": "Textual: the line API (ScrollView)",
    "check_action": "Textual: enable/disable actions",
    "action_quit": "Textual: App.action_quit, overridden to ask before losing a form",
    "action_help": "Textual: the help action",
    "get_system_commands": "Textual: the palette's system commands",
    "discover": "Textual: a command provider's discovery hits",
    "search": "Textual: a command provider's hits",
    "notify_style_update": "Textual: a widget told its styles changed (documented hook)",
    "ALLOW_SELECT": "Textual: whether a widget's text can be selected",
    "on_event": "Textual: MessagePump.on_event, public, for every event (calls super)",
    # -- Textual: the abstract methods of a Visual (what a Visual subclass must write)
    "render_strips": "Textual: Visual.render_strips",
    "get_optimal_width": "Textual: Visual.get_optimal_width",
    "get_height": "Textual: Visual.get_height",
    # -- Python / pydantic / SQLModel / click
    "model_config": "pydantic: a model's configuration",
    "__tablename__": "SQLAlchemy / SQLModel: the table's name",
    "main": "click: a group's entry point",
    "invoke": "click: Group.invoke, overridden to turn errors into exit codes",
    "get_command": "click: Group.get_command (commands loaded on first use)",
    "list_commands": "click: Group.list_commands",
    "resolve_command": "click: Group.resolve_command (the closest command's name)",
    "format_commands": "click: Group.format_commands (the help's command list)",
    # -- textual-serve: Server's route handlers (public methods), wrapped to check a token
    "handle_index": "textual-serve: Server.handle_index, the page (token checked first)",
    "handle_websocket": "textual-serve: Server.handle_websocket, a session (token checked first)",
    "handle_download": "textual-serve: Server.handle_download (token checked first)",
    # -- WeasyPrint
    "fetch": "WeasyPrint: URLFetcher.fetch, what a fetcher subclass overrides",
}

#: Shadowings still on main whose removal belongs to another piece of work (issue 14's
#: private-API clean-up of the CSS cache): each entry must still be found, so the list only
#: shrinks — an entry whose code is gone fails :func:`test_known_shadowings_are_still_there`.
KNOWN: dict[str, str] = {}


def _our_modules() -> list[str]:
    names = [sop_tui.__name__]
    for info in pkgutil.walk_packages(sop_tui.__path__, prefix=f"{sop_tui.__name__}."):
        names.append(info.name)
    return names


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] == sop_tui.__name__


def _class_node(cls: type) -> ast.ClassDef | None:
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return None
    node = ast.parse(source).body[0]
    return node if isinstance(node, ast.ClassDef) else None


def _self_stores(node: ast.AST) -> set[str]:
    """``X`` of every ``self.X = ...`` (plain, annotated, augmented, unpacked) under ``node``."""
    out: set[str] = set()
    for sub in ast.walk(node):
        targets: list[ast.expr] = []
        if isinstance(sub, ast.Assign):
            targets = list(sub.targets)
        elif isinstance(sub, (ast.AnnAssign, ast.AugAssign)):
            targets = [sub.target]
        while targets:
            t = targets.pop()
            if isinstance(t, (ast.Tuple, ast.List)):
                targets.extend(t.elts)
            elif (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                  and t.value.id == "self"):
                out.add(t.attr)
    return out


def declared(cls: type) -> set[str]:
    """The names ``cls``'s own body declares, and the ``self.X`` its methods assign."""
    return body_names(cls) | assigned_names(cls)


def body_names(cls: type) -> set[str]:
    """Class attributes, methods, properties and nested classes of ``cls``'s own body."""
    node = _class_node(cls)
    if node is None:
        return set(vars(cls))
    names: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
    return names


def assigned_names(cls: type) -> set[str]:
    """The ``X`` of ``self.X = ...`` in ``cls``'s own methods."""
    node = _class_node(cls)
    names: set[str] = set()
    for stmt in node.body if node is not None else ():
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names |= _self_stores(stmt)
    return names


def settable(base: type, name: str) -> bool:
    """Whether ``name`` is a public attribute of ``base`` meant to be set: a property with a
    setter or a reactive (a data descriptor). Setting it uses the library's API."""
    if name.startswith("_"):
        return False
    try:
        attr = inspect.getattr_static(base, name)
    except AttributeError:
        return False
    if isinstance(attr, property):
        return attr.fset is not None
    return hasattr(type(attr), "__set__") and not inspect.isroutine(attr)


@cache
def library_names(base: type) -> frozenset[str]:
    """What a library class defines: its ``dir()``, its slots, and the ``self.X`` its source
    (and its bases' sources) assign — instance attributes are in no class's ``dir()``."""
    names = set(dir(base))
    for klass in base.__mro__:
        if klass is object:
            continue
        names |= set(getattr(klass, "__slots__", ()) or ())
        node = _class_node(klass)
        if node is not None:
            names |= _self_stores(node)
    return frozenset(names)


def shadowed() -> list[str]:
    """``module.Class.name: base`` for each name of ours that a library base defines."""
    found: list[str] = []
    seen: set[type] = set()
    for module_name in _our_modules():
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or not _ours(cls) or cls.__module__ != module_name:
                continue
            seen.add(cls)
            bases = [b for b in cls.__mro__[1:] if not _ours(b) and b is not object]
            if not bases:
                continue
            in_body = body_names(cls)
            for name in sorted(in_body | assigned_names(cls)):
                if name in ALLOWED or (name.startswith("__") and name.endswith("__")):
                    continue
                owners = [b for b in bases if name in library_names(b)]
                if owners and name not in in_body and all(settable(b, name) for b in owners):
                    continue  # ``self.tooltip = ...``: the base's public setter, used
                if owners:
                    found.append(f"{cls.__module__}.{cls.__qualname__}.{name}: "
                                 f"{owners[0].__module__}.{owners[0].__qualname__}")
    return found


def _where(entry: str) -> str:
    return entry.split(":", 1)[0]


def test_meeting_closed_flag_froze_the_app_no_class_shadows_a_library_attribute() -> None:
    assert [e for e in shadowed() if _where(e) not in KNOWN] == []


def test_known_shadowings_are_still_there() -> None:
    """An entry of KNOWN whose code is gone is taken off the list (it only shrinks)."""
    found = {_where(e) for e in shadowed()}
    assert sorted(set(KNOWN) - found) == []


def test_the_guard_sees_an_instance_attribute_of_textual() -> None:
    """``_closed`` is set in MessagePump.__init__, in no class's dir(): the guard must see it."""
    from textual.screen import Screen

    class Frozen(Screen[None]):
        def on_mount(self) -> None:
            self._closed = True

    assert "_closed" in library_names(Screen)
    assert "_closed" in declared(Frozen)
