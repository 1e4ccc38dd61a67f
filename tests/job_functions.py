"""Job functions for tests/test_jobs.py, in a module an RQ worker process can import by its dotted name."""

from pathlib import Path


def append_line(path: str, text: str) -> str:
    with open(path, "a") as handle:
        handle.write(text + "\n")
    return text


def fail_until_attempt(path: str, succeed_at: int) -> int:
    """Fails until it has been called `succeed_at` times (the count is kept in a file)."""
    count = (int(Path(path).read_text()) if Path(path).exists() else 0) + 1
    Path(path).write_text(str(count))
    if count < succeed_at:
        raise RuntimeError(f"attempt {count} fails on purpose")
    return count
