"""A seeded generator's integer draw, made cheap enough for a search's inner loop.

Character edits draw a position and a letter per candidate; ``numpy.random.Generator.integers`` takes
about 1.1 µs a call, nearly all of it argument handling, and was a tenth of DeepWordBug's time outside
the victim. :func:`draw_below` returns the same number and leaves the generator in the same state (so
every seeded run keeps its edits) in about 0.45 µs, by running numpy's own algorithm for a range under
2**32 — Lemire's multiply-and-reject over the bit generator's 32-bit output, reached through its
``ctypes`` interface — in Python. tests/test_draws.py checks it against ``integers`` draw for draw.
"""

from __future__ import annotations

_UINT32 = 0xFFFFFFFF


def draw_below(rng, n: int) -> int:
    """``int(rng.integers(n))``: a uniform integer in ``[0, n)`` from the numpy Generator ``rng``."""
    if n == 1:  # numpy returns the only value without drawing
        return 0
    if not 1 < n <= _UINT32:  # 64-bit ranges, and n < 1 (numpy's error)
        return int(rng.integers(n))
    try:
        bits = rng.bit_generator.ctypes
    except AttributeError:  # not a numpy Generator
        return int(rng.integers(n))
    next32, state = bits.next_uint32, bits.state
    product = next32(state) * n
    leftover = product & _UINT32
    if leftover < n:
        threshold = (_UINT32 - (n - 1)) % n
        while leftover < threshold:
            product = next32(state) * n
            leftover = product & _UINT32
    return product >> 32
