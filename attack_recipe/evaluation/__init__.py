"""Running attacks over datasets: harness, metrics, result files, console output, re-checks."""
