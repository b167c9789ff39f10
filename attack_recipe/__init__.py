"""attack-recipe: find the inputs on which a text classifier fails.

``import attack_recipe`` is light (standard library and this package only); models, encoders and
datasets load on first use.
"""

import logging as _logging

__version__ = "0.1.0"

_logging.getLogger(__name__).addHandler(_logging.NullHandler())
