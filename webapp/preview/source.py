"""The case types a preview shows, read again whenever a file under its paths changes.

Each request asks `current()`: the files' names, sizes and modification times are compared
with those of the last load (a few stat calls, no reading), and the folder is loaded and
validated again only when they differ. A broken file gives a catalogue with its problems and
no case types, which the preview shows as `portal validate` would.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

from engine import Catalogue, load_catalogue
from engine.catalogue import yaml_files


class WatchedCatalogue:
    """A catalogue of `paths` (folders or files), reloaded when their YAML changes."""

    def __init__(self, paths: Sequence[str]):
        self.paths = list(paths)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._catalogue = Catalogue()
        self.loads = 0  # how many times the files were read (tests look)

    def stamp(self) -> tuple:
        """What identifies the files' state: each file's path, size and modification time."""
        found = []
        for path in yaml_files(self.paths):
            try:
                info = os.stat(path)
            except OSError:
                found.append((path, -1, -1))
                continue
            found.append((path, info.st_size, info.st_mtime_ns))
        return tuple(found)

    def current(self) -> Catalogue:
        """The catalogue as the files are now (loaded again only if they changed)."""
        stamp = self.stamp()
        with self._lock:
            if stamp != self._stamp:
                self._catalogue = load_catalogue(self.paths)
                self._stamp = stamp
                self.loads += 1
            return self._catalogue
