"""The engine: texts, goals, run state, transformations, search methods, Attack and results."""
