"""``course-grade``: the instructor's grading workflow in one process, through nbgrader's Python API.

    course-grade release week3_3_softmax
    course-grade import week3_3_softmax submissions.zip
    course-grade autograde week3_3_softmax --workers 2
    course-grade --db postgresql://grader@dbhost/course autograde week3_3_softmax --scheduler tcp://head:8786
    course-grade summary week3_3_softmax
    course-grade export week3_3_softmax --out grades.csv
    course-grade feedback week3_3_softmax

``--course DIR`` (before the subcommand) picks the nbgrader course; default: the repo's ``notebooks/``.
``--db URL`` (before the subcommand) is nbgrader's gradebook URL; default: ``sqlite:///<course>/gradebook.db``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    from course_utils.nbgrader_course import COURSE_ROOT

    parser = argparse.ArgumentParser(prog="course-grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--course", type=Path, default=COURSE_ROOT, help="nbgrader course root (default: %(default)s)")
    parser.add_argument("--db", help="gradebook database URL, as nbgrader's --db, e.g. postgresql://user@host/name "
                                     "(default: sqlite:///<course>/gradebook.db)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="generate the student version of an assignment")
    p.add_argument("assignment")

    p = sub.add_parser("import", help="copy submissions (folder of <student>/<nb>.ipynb or LMS zip) into submitted/")
    p.add_argument("assignment")
    p.add_argument("path", type=Path)
    p.add_argument("--replace", action="store_true",
                   help="replace an existing different submission (the old file is kept as .replaced-<time>)")

    p = sub.add_parser("autograde", help="grade every submission: statuses, integrity re-check, workers")
    p.add_argument("assignment")
    p.add_argument("--workers", type=int, default=1, help="worker processes executing notebooks (default 1)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="execute on the workers of this Dask scheduler instead (see docs/grading.md)")
    p.add_argument("--resume", action="store_true",
                   help="grade only submissions that an earlier run has not graded (or that changed since)")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--cell-timeout", type=int, help="per-cell limit in s (default: the course config's Execute.timeout)")
    p.add_argument("--notebook-timeout", type=float, default=900.0, help="wall-clock limit per notebook in s (default 900)")
    p.add_argument("--recheck-timeout", type=int, default=60, help="limit of the re-check process in s (default 60)")
    p.add_argument("--no-recheck", action="store_true", help="skip the integrity re-check (not recommended)")
    p.add_argument("--sandbox", choices=["auto", "on", "off"], default="auto",
                   help="isolate student code: rlimits + empty network namespace, and as root also a uid of its own "
                        "with the course folder hidden (auto = when unshare is permitted here; default %(default)s)")

    p = sub.add_parser("feedback", help="feedback HTML per student (hidden tests removed)")
    p.add_argument("assignment")

    p = sub.add_parser("export", help="write a CSV of scores with a status per notebook")
    p.add_argument("assignment")
    p.add_argument("--out", type=Path, default=Path("grades.csv"))

    p = sub.add_parser("summary", help="print counts per status and the notebooks that need a look")
    p.add_argument("assignment")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from course_utils.grading.numeric_env import use_numeric_defaults

    use_numeric_defaults()  # before numpy loads: the kernels and the re-check children get the same values
    from course_utils.grading import pipeline

    root = args.course.resolve()
    if not (root / "source" / args.assignment).is_dir():
        print(f"course-grade: no assignment {args.assignment!r} in {root / 'source'}", file=sys.stderr)
        return 2
    if args.command == "release":
        for path in pipeline.release(root, args.assignment, args.db):
            print(path)
    elif args.command == "import":
        report = pipeline.import_submissions(root, args.assignment, args.path, replace=args.replace)
        return 1 if report["kept"] or report["refused"] else 0
    elif args.command == "autograde":
        options = pipeline.Options(
            workers=args.workers, cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
            recheck=not args.no_recheck, recheck_timeout=args.recheck_timeout, sandbox=args.sandbox,
            db=args.db, scheduler=args.scheduler, resume=args.resume,
        )
        pipeline.autograde(root, args.assignment, options, students=args.student)
        print(pipeline.summary(root, args.assignment))
    elif args.command == "feedback":
        pipeline.feedback(root, args.assignment, db=args.db)
    elif args.command == "export":
        count = pipeline.export(root, args.assignment, args.out)
        print(f"wrote {count} row(s) to {args.out}")
    elif args.command == "summary":
        print(pipeline.summary(root, args.assignment))
    return 0


if __name__ == "__main__":
    sys.exit(main())
