"""Search methods decide which candidates to try and keep: greedy by word importance, beam search."""
