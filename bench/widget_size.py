"""The chat widget's weight on a host page: the one script, raw and compressed.

    .venv/bin/python bench/widget_size.py
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

WIDGET = Path(__file__).resolve().parent.parent / "kefu/channels/static/chat/widget.js"


def main() -> None:
    raw = WIDGET.read_bytes()
    print(f"{WIDGET.name}: {len(raw):,} bytes raw, {len(gzip.compress(raw, 9)):,} gzip -9, "
          f"{len(zlib.compress(raw, 9)):,} deflate; the only request besides it is "
          f"/chat/config.json (strings, online state) and the WebSocket")


if __name__ == "__main__":
    main()
