"""A CSV drop zone that can also be clicked to browse, and the check of what arrives.

Solara's FileDrop only takes drops; this zone (csv_drop.vue, Solara's own template with a file picker
added) hands files over the same way, so Solara's chunked upload does the transfer.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import solara
from solara.components.file_drop import FileDropZone

MAX_UPLOAD = 5 * 1024 * 1024  # bytes


class CsvDropZone(FileDropZone):
    """Solara's drop zone with a hidden <input type=file>: a click opens the browser's file dialog."""

    template_file = (__file__, "csv_drop.vue")


@solara.component
def CsvDrop(label: str, on_file: Callable[[dict], None]):
    """Drop or click to pick one file; `on_file({"name", "size", "file_obj", "data"})` runs in a thread."""
    file_info, set_file_info = solara.use_state(None)
    wired, set_wired = solara.use_state(None)
    zone = CsvDropZone.element(label=label, on_file_info=set_file_info, multiple=False)

    def wire():
        if file_info:
            real = solara.get_widget(zone)
            real.version += 1  # Solara's workaround: its observers are cleared on re-render
            real.reset_stats()
            set_wired(real.get_files())

    solara.use_effect(wire, [file_info])

    def hand_over(cancel: threading.Event):
        if wired:
            on_file({**wired[0], "data": None})

    result = solara.use_thread(hand_over, [wired])
    if result.error:
        raise result.error
    return zone


def read_upload(info: dict, folder: str) -> str:
    """Save a dropped file under `folder` and return its path; ValueError if it is too big or not a .csv."""
    size = info.get("size") or 0
    if size > MAX_UPLOAD:
        raise ValueError(f"{info['name']} is {size / 1e6:.1f} MB; the limit is {MAX_UPLOAD / 1e6:.0f} MB.")
    data = info.get("data")
    if data is None:
        data = info["file_obj"].read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ValueError(f"{info['name']} is over {MAX_UPLOAD / 1e6:.0f} MB: too big.")
    name = os.path.basename(info["name"]) or "upload.csv"
    if not name.lower().endswith(".csv"):
        raise ValueError(f"{name} is not a .csv file: drop a CSV with a header row.")
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.write(data)
    return path
