"""draw_below is numpy's integers, draw for draw (seeded runs keep their edits)."""

import numpy as np
import pytest

from attack_recipe.core.draws import draw_below


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937, np.random.Philox, np.random.SFC64])
def test_draw_below_gives_numpys_numbers_and_leaves_the_generator_as_numpy_does(bit_generator):
    ranges = [int(n) for n in np.random.default_rng(3).integers(1, 80, size=2000)]
    ranges += [1, 2, 3, 2**31, 2**31 + 7, 2**32 - 1, 2**32, 2**40] * 20
    ours, theirs = (np.random.Generator(bit_generator(1234)) for _ in range(2))
    for i, n in enumerate(ranges):
        assert draw_below(ours, n) == int(theirs.integers(n)), (i, n)
        if i % 7 == 0:  # other draws in between see the same state (the 32-bit half-buffer included)
            assert ours.random() == theirs.random()
            assert ours.integers(5, size=3).tolist() == theirs.integers(5, size=3).tolist()


def test_draw_below_raises_as_numpy_does_and_takes_any_object_with_integers():
    with pytest.raises(ValueError):
        draw_below(np.random.default_rng(0), 0)

    class Fixed:
        def integers(self, n):
            return n - 1

    assert draw_below(Fixed(), 9) == 8
