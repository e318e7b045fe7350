"""Regular expressions compiled when first used, not when their module is imported.

A run uses few of the patterns its modules hold (the date forms people type, the
text cleaning that only odd text needs, the TOML error messages), and compiling
one costs 20 to 300 µs: start-up is most of a short command's time.

    _ISO = pattern(r"^([0-9]{4})$")   # nothing compiled yet
    _ISO().match(text)                # compiled on the first call, then reused
"""

import re
from functools import cache
from typing import AnyStr, Callable


def pattern(source: AnyStr, flags: int = 0) -> Callable[[], "re.Pattern[AnyStr]"]:
    """A function giving `re.compile(source, flags)`, compiled on its first call."""
    return cache(lambda: re.compile(source, flags))
