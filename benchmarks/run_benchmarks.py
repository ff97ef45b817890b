"""Run gradkit's benchmark suite and write benchmarks/results.json and results.md.

Usage: python benchmarks/run_benchmarks.py [--quick] [--readme README.md]
(also: make bench, which updates the README's table, and gradkit bench)
"""

import os
import re
import sys

from gradkit.bench import main

HERE = os.path.dirname(os.path.abspath(__file__))
START, END = "<!-- benchmarks/results.md starts -->\n", "<!-- benchmarks/results.md ends -->\n"


def update_readme(readme: str) -> None:
    """Put benchmarks/results.md between the README's markers."""
    with open(os.path.join(HERE, "results.md")) as fh:
        table = fh.read()
    with open(readme) as fh:
        text = fh.read()
    pattern = re.escape(START) + ".*?" + re.escape(END)
    if not re.search(pattern, text, flags=re.S):
        raise SystemExit(f"{readme} has no benchmark markers")
    with open(readme, "w") as fh:
        fh.write(re.sub(pattern, lambda _: START + table + END, text, flags=re.S))
    print(f"updated the benchmark table in {readme}")


if __name__ == "__main__":
    args = sys.argv[1:]
    readme = None
    if "--readme" in args:
        k = args.index("--readme")
        readme = args[k + 1]
        del args[k : k + 2]
    if "--output-dir" not in args:
        args += ["--output-dir", HERE]
    status = main(args)
    if readme and status == 0:
        update_readme(readme)
    raise SystemExit(status)
