"""Constraints: which words may change (pre) and which candidates are acceptable (post)."""
