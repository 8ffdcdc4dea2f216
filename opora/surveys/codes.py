"""One-time codes as pupils type them from a slip of paper.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, 8/B, 5/S, 2/Z, 6/G,
Q): 25⁸ ≈ 1.5·10¹¹ codes, so that guessing one among a region's hundred thousand live codes
takes about a million tries, against a few dozen wrong codes an hour allowed per address.
What is typed is forgiven: lower case, spaces and dashes, and Cyrillic letters that look like
the Latin ones on the slip (a Russian keyboard layout left on).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "2345679ACDEFHJKMNPRTUVWXY"
LENGTH = 8
_CYRILLIC = str.maketrans("АВСЕНКМОРТХУ", "ABCEHKMOPTXY")
_SEPARATORS = re.compile(r"[\s\-–—_.]+")


def code_new() -> str:
    """A random code (`secrets`: not predictable from earlier ones)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalise(text: str) -> str:
    """The code as stored: upper case, Latin, without separators («4kх7 м9рт» → «4KX7M9PT»)."""
    return _SEPARATORS.sub("", (text or "").upper().translate(_CYRILLIC))


def code_well_formed(code: str) -> bool:
    """Whether a normalised code could be one Opora issued (checked before any lookup)."""
    return len(code) == LENGTH and all(c in ALPHABET for c in code)
