"""Benchmark: how `portal validate` grows with the amount of YAML, against libyaml alone.

Prints figures; asserts nothing. Run with `make bench` or
`.venv/bin/python bench/validation_growth.py [--rounds N] [--sizes 1,4,16]`.

For each size it writes that many copies of the shipped casetypes/ folder into a temporary
folder (ids, reference prefixes, shared list and workflow names renamed per copy, so the
copies are valid together), then, in each round and interleaved:
- cold `portal validate FOLDER` in a new Python process (imports included), as CI runs it;
- the baseline: a new Python process that reads the same files and parses each one with
  libyaml's `yaml.CSafeLoader` alone (no positions, no checks).
It prints per size the median and spread (min-max) of both, their ratio, and the growth of
each from one size to the next (linear growth is a factor equal to the size ratio): once in
elapsed time, and once in CPU time (user + system of the child process), which other work on
a shared machine disturbs far less.

Each checkout's Python is compiled to bytecode first (`compileall`, into its __pycache__
folders, which git ignores), as any second run of a command would find it: with
PYTHONDONTWRITEBYTECODE set, every run would otherwise compile the project's sources anew,
which the installed packages (the baseline's PyYAML among them) never do.

`--before DIR` also runs `portal validate` from another checkout of the project (say an older
commit: `git worktree add /tmp/before COMMIT`), interleaved in the same rounds, so that a
change is measured against what it replaces under the same load. `--one-process` also runs
this checkout's `portal validate` kept to one process whatever the folder's size (a big
folder is otherwise checked in two: engine/folder_check.py), to show what the second buys.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "casetypes"

BASELINE = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob('*.yaml')):
    yaml.load(path.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)
"""


def _letters(copy: int) -> str:
    """A, B, ... Z, BA, BB ...: capital letters only, as reference prefixes need."""
    digits = string.ascii_uppercase
    text = ""
    while True:
        copy, rest = divmod(copy, 26)
        text = digits[rest] + text
        if not copy:
            return text


def _renamed(text: str, copy: int, names: set[str]) -> str:
    """One shipped file's text as copy number `copy` (0 leaves it as shipped)."""
    if copy == 0:
        return text
    tag = f"_c{copy}"
    text = re.sub(r"^id: (\S+)", rf"id: \1-c{copy}", text, flags=re.M)
    text = re.sub(r"(prefix: [A-Z-]+)", rf"\1-C{_letters(copy)}", text)
    text = re.sub(r"^(workflow: )(\w+)$", rf"\1\2{tag}", text, flags=re.M)
    text = re.sub(
        r"(options: )(\w+)(?=[}\s,]|$)",
        lambda m: m.group(1) + m.group(2) + (tag if m.group(2) in names else ""),
        text,
        flags=re.M,
    )
    if re.search(r"^kind: (option_lists|workflows)", text, flags=re.M):
        text = re.sub(r"^  ([a-z]\w*):", rf"  \1{tag}:", text, flags=re.M)
    return text


def _shared_names() -> set[str]:
    names = set()
    for path in (SHIPPED / "shared").glob("*.yaml"):
        names |= set(re.findall(r"^  ([a-z]\w*):", path.read_text(encoding="utf-8"), re.M))
    return names


def write_copies(folder: Path, copies: int) -> int:
    """`copies` renamed copies of casetypes/ under `folder`; returns the bytes written. The
    school calendar is one per folder (E703), so only the first copy has it; journey tests
    (*.tests.yaml) are not case types, and are left out."""
    names = _shared_names()
    size = 0
    for copy in range(copies):
        for path in SHIPPED.rglob("*.yaml"):
            if path.name.endswith(".tests.yaml") or (copy and path.name == "calendar.yaml"):
                continue
            target = folder / f"copy{copy}" / path.relative_to(SHIPPED)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = _renamed(path.read_text(encoding="utf-8"), copy, names)
            target.write_text(text, encoding="utf-8")
            size += len(text.encode())
    return size


# `portal validate` with engine/folder_check.py's threshold out of reach.
ONE_PROCESS = """
import sys, engine.folder_check as check
check.TWO_PROCESSES_BYTES = float('inf')
from webapp.cli import main
sys.exit(main(['validate', sys.argv[1]]))
"""


def _command(checkout: Path | None, folder: Path, one_process: bool = False) -> list[str]:
    if checkout is None:
        return [sys.executable, "-c", BASELINE, str(folder)]
    if one_process:
        return [sys.executable, "-c", ONE_PROCESS, str(folder)]
    return [sys.executable, "-m", "webapp.cli", "validate", str(folder)]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: list[str], checkout: Path | None) -> tuple[float, float]:
    """Elapsed and CPU seconds of one run of `command`."""
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run(  # noqa: S603 -- this project's own command, fixed arguments
        command, cwd=checkout or ROOT, capture_output=True, text=True
    )
    elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed, cpu


def compile_bytecode(checkout: Path) -> None:
    subprocess.run(  # noqa: S603 -- the standard library's compileall, fixed arguments
        [sys.executable, "-m", "compileall", "-q", "engine", "webapp"], cwd=checkout, check=True
    )


def _spread(runs: list[float]) -> str:
    return (
        f"{statistics.median(runs) * 1000:7.0f} ms ({min(runs) * 1000:.0f}-{max(runs) * 1000:.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="1,4,16", help="copies of casetypes/, e.g. 1,4,16")
    parser.add_argument("--before", help="another checkout whose portal validate to measure too")
    parser.add_argument(
        "--one-process", action="store_true", help="also this checkout kept to one process"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tools = {"portal validate": ROOT}
    if args.one_process:
        tools["one process"] = ROOT
    if args.before:
        tools["before"] = Path(args.before)
    tools["CSafeLoader alone"] = None

    for checkout in tools.values():
        if checkout is not None:
            compile_bytecode(checkout)
    work = Path(tempfile.mkdtemp(prefix="validation-growth-"))
    try:
        folders = {}
        for size in sizes:
            folders[size] = work / f"x{size}"
            written = write_copies(folders[size], size)
            print(f"{size:>3}x: {written / 1e6:.2f} MB of YAML in {folders[size]}")
        wall = {tool: {size: [] for size in sizes} for tool in tools}
        cpu = {tool: {size: [] for size in sizes} for tool in tools}
        for _ in range(args.rounds):
            for size in sizes:  # interleaved: each round measures every size with every tool
                for tool, checkout in tools.items():
                    command = _command(checkout, folders[size], tool == "one process")
                    elapsed, used = _timed(command, checkout)
                    wall[tool][size].append(elapsed)
                    cpu[tool][size].append(used)
        print(f"\nload average at the end: {', '.join(f'{n:.1f}' for n in os.getloadavg())}")
        _report(sizes, wall, f"elapsed time of cold processes, {args.rounds} rounds")
        _report(sizes, cpu, "CPU time (user + system) of the same processes")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _report(sizes, runs, title: str) -> None:
    tools = list(runs)
    baseline = runs[tools[-1]]
    print(f"\n{title}: median (min-max); ratio to {tools[-1]}")
    print(f"{'size':>5}" + "".join(f"  {tool:>24}  {'ratio':>5}" for tool in tools))
    for size in sizes:
        cells = ""
        for tool in tools:
            ratio = statistics.median(runs[tool][size]) / statistics.median(baseline[size])
            cells += f"  {_spread(runs[tool][size]):>24}  {ratio:4.1f}x"
        print(f"{size:>4}x{cells}")
    for earlier, later in zip(sizes, sizes[1:], strict=False):
        growth = ", ".join(f"{tool} x{_growth(runs[tool], earlier, later):.1f}" for tool in tools)
        print(f"growth {earlier}x -> {later}x (input x{later / earlier:g}): {growth}")


def _growth(runs, earlier: int, later: int) -> float:
    return statistics.median(runs[later]) / statistics.median(runs[earlier])


if __name__ == "__main__":
    main()
