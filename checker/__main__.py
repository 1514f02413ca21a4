"""`python -m checker FILE`: the `check` command, for when the console script is not installed."""

from checker.cli.entry import check

if __name__ == "__main__":
    check()
