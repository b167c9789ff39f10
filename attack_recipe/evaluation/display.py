"""Dataset text shown to a person: control characters made visible, never obeyed.

A dataset is input from anyone. Printed raw, ``ESC ] 0 ; … BEL`` retitles the terminal, ``ESC [ 2 J``
clears it, a carriage return overwrites the line it is on, and right-to-left overrides reorder what a
reader sees ("Trojan Source"); written raw into report.html, NUL and ESC corrupt the page. Everything
that shows dataset text — the console's diffs and log lines, report.html — passes it through
:func:`visible` first, which writes each such character as an escape a reader can see
(``\\x1b``, ``\\u202e``). Newlines and tabs are kept (they are layout, and harmless); the stored
results keep the text exactly as it was.
"""

from __future__ import annotations

import re

#: C0 and C1 controls except tab and newline, DEL, and the bidirectional embedding, override and
#: isolate controls (U+202A–U+202E, U+2066–U+2069)
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as a visible escape (``"\\x1b[2J"`` → ``"\\\\x1b[2J"``)."""
    return _HIDDEN.sub(_escape, text) if isinstance(text, str) else text
