"""Keys take effect in the order they were typed: :class:`KeysInOrder`, the app's key handling.

Textual hands each key, as it arrives, to the widget focused at that moment; a key bound to an
action — Tab's move to the next field, Backspace in a field, the ``a`` that opens a form — acts
only once it has travelled back up from that widget to the app, and by then the keys typed after
it have already been handed to the old widget. Typed at full speed, "abc Tab 2026-12 Tab 1200"
put every character into the first field; a form opened by a key received the keys after it
before it had a field to put them in, and they were lost; Ctrl+S saved the fields before the
text typed just before it had reached them.

:class:`KeysInOrder` handles one key at a time. Before a key, the focused widget takes in the
keys it was handed before (a callback queued behind them is awaited). A key bound on the focused
widget's chain runs its action right there, where Textual would have handed it on; any other key
goes Textual's way (the app's priority bindings, else to the focused widget, which takes text as
``check_consume_key`` says). The keys that arrive meanwhile wait until what the key set in motion
has landed: a focus change queued on the app, a screen pushed, mounted and focused.
"""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import App, ScreenStackError
from textual.binding import ActiveBinding
from textual.message_pump import MessagePump

#: The longest a key waits for a widget or a screen to take in what came before it (a screen
#: that never finishes mounting must not stop the keyboard).
SETTLE_TIMEOUT = 2.0


async def settled(pump: MessagePump) -> None:
    """Return once ``pump`` has handled every message queued to it so far."""
    done = asyncio.Event()
    if pump.call_later(done.set):
        try:
            await asyncio.wait_for(done.wait(), SETTLE_TIMEOUT)
        except TimeoutError:
            pass  # handled as Textual would: the key goes on without waiting longer


class KeysInOrder(App[None]):
    """An app whose keys take effect in the order they were typed (see the module)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: keys that arrived while an earlier key's action was landing (None: none is)
        self.keys_waiting: list[events.Key] | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.keys_waiting is not None:
                self.keys_waiting.append(event)
                return
            await self.key_in_order(event)
            return
        await super().on_event(event)

    def key_binding(self, event: events.Key) -> ActiveBinding | None:
        """The binding ``event`` runs here, or None when it is text for the focused widget or
        nothing claims it (then Textual hands it to the focused widget)."""
        try:
            active = self.screen.active_bindings.get(event.key)
        except ScreenStackError:  # no screen yet, or the app is closing
            return None
        if active is None or not active.enabled:
            return None
        focused = self.focused
        if (not active.binding.priority and focused is not None
                and focused.check_consume_key(event.key, event.character)):
            return None
        return active

    async def key_in_order(self, event: events.Key) -> None:
        """Handle ``event`` once every key before it has taken effect."""
        focused = self.focused
        if focused is not None:
            await settled(focused)  # the keys handed to it before this one have landed
        screen = self.screen
        active = self.key_binding(event)
        if active is None or not await self.run_action(active.binding.action, active.node):
            # Textual's way: the app's priority bindings, else to the focused widget
            await super().on_event(event)
        # What the key set in motion (a focus moved later, a screen pushed) lands before the
        # keys that came after it: they wait until a callback queued behind it runs.
        self.keys_waiting = []
        self.call_later(self.keys_released, screen)

    async def keys_released(self, screen: object) -> None:
        """Hand on the keys that waited, once a newly pushed screen has mounted and focused."""
        if self.screen_stack and self.screen is not screen:
            await settled(self.screen)
        waiting, self.keys_waiting = self.keys_waiting or [], None
        for i, key in enumerate(waiting):
            await self.key_in_order(key)
            if self.keys_waiting is not None:  # that key's action is landing: the rest wait
                self.keys_waiting[:0] = waiting[i + 1:]
                return
