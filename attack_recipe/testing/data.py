"""A few labelled sentences the toy victims classify correctly, for fast tests and examples."""

from __future__ import annotations

#: (text, label) with label 0 = negative, 1 = positive.
SENTIMENT_EXAMPLES: tuple[tuple[str, int], ...] = (
    ("The movie was good and the actors were great.", 1),
    ("I love this phone, the screen is beautiful!", 1),
    ("What a wonderful day, I am so happy.", 1),
    ("The food was nice and the service was excellent.", 1),
    ("This is the best concert I have ever enjoyed.", 1),
    ("The plot was boring and the ending was terrible.", 0),
    ("I hate waiting, the staff was rude and the room was awful.", 0),
    ("Worst purchase ever, it arrived broken and ugly.", 0),
    ("The sequel is bad, sad and disappointing.", 0),
    ("Such an annoying app, poor design and horrible support.", 0),
)
