"""The ``forderwerk`` command line (DESIGN.md, Commands)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from orchestration.runner import RunOutcome

from core.settings import Settings, load_settings
from tools.generate.config import SAMPLE_END

console = Console(stderr=False)


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forderwerk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the pipeline once, headless, through Dagster")
    run.add_argument(
        "--as-of", type=_as_of, default=date.today(), help="as-of date (default today)"
    )
    run.add_argument("--verbose", action="store_true", help="show Dagster's debug log")

    check = sub.add_parser(
        "check", help="every data test on every row now (the weekly full check, Sundays 07:00)"
    )
    check.add_argument(
        "--as-of", type=_as_of, default=date.today(), help="as-of date (default today)"
    )
    check.add_argument("--verbose", action="store_true", help="show Dagster's debug log")

    backfill = sub.add_parser(
        "backfill", help="run the pipeline for each missed day in order, oldest first"
    )
    backfill.add_argument("--from", dest="first", type=_as_of, required=True)
    backfill.add_argument("--to", dest="last", type=_as_of, default=date.today())
    backfill.add_argument("--verbose", action="store_true", help="show Dagster's debug log")

    ingest = sub.add_parser("ingest", help="copy files into landing/ and ingest them now")
    ingest.add_argument("files", nargs="+", type=Path)
    ingest.add_argument(
        "--source",
        choices=["erp", "bank", "bureau", "ops"],
        help="landing folder to use (default: recognised from each file)",
    )
    ingest.add_argument("--verbose", action="store_true", help="show Dagster's debug log")

    dunning = sub.add_parser("dunning", help="dunning commands")
    dunning_sub = dunning.add_subparsers(dest="dunning_command", required=True)
    preview = dunning_sub.add_parser("preview", help="what the next dunning run would do")
    preview.add_argument("--as-of", type=_as_of, default=date.today())

    approve = sub.add_parser("approve", help="approve dunning actions waiting for approval")
    approve.add_argument("actions", nargs="+")
    approve.add_argument("--actor", default=getpass.getuser())
    reject = sub.add_parser("reject", help="reject dunning actions waiting for approval")
    reject.add_argument("actions", nargs="+")
    reject.add_argument("--reason", required=True)
    reject.add_argument("--actor", default=getpass.getuser())

    accept = sub.add_parser(
        "accept-state",
        help="accept the warehouse and ops store as they are after a deliberate change",
    )
    accept.add_argument("--reason", required=True)
    accept.add_argument("--actor", default=getpass.getuser())

    backup = sub.add_parser(
        "backup", help="a consistent copy of warehouse, ops store and the archive's manifest"
    )
    backup.add_argument("--to", type=Path, default=None, help="folder (default: home/backups)")
    restore = sub.add_parser("restore", help="put a backup's warehouse and ops store back")
    restore.add_argument("folder", type=Path)
    restore.add_argument(
        "--accept-newer-ledger",
        metavar="REASON",
        default=None,
        help="restore although the current action ledger is further along (checked by a person)",
    )
    restore.add_argument("--actor", default=getpass.getuser())

    publish = sub.add_parser(
        "publish", help="publish the warehouse for the dashboards after a held publish"
    )
    publish.add_argument(
        "--accept-drop",
        action="store_true",
        required=True,
        help="publish although customers or open items dropped (checked by a person)",
    )
    publish.add_argument("--as-of", type=_as_of, default=date.today())

    sub.add_parser("deliveries", help="failed and uncertain deliveries waiting for a person")
    resend = sub.add_parser("resend", help="deliver failed or uncertain actions again")
    resend.add_argument("actions", nargs="+")
    resend.add_argument("--actor", default=getpass.getuser())
    mark_sent = sub.add_parser(
        "mark-sent", help="record that failed or uncertain deliveries went out after all"
    )
    mark_sent.add_argument("actions", nargs="+")
    mark_sent.add_argument("--reason", required=True, help="what shows that it went out")
    mark_sent.add_argument("--actor", default=getpass.getuser())

    rebuild = sub.add_parser(
        "rebuild", help="replay the posting from the archive into a fresh warehouse, compare"
    )
    rebuild.add_argument(
        "--from", dest="first", type=_as_of, default=None,
        help="replay from this day, starting from the books as they stood before it, and "
        "compare the ledger's postings from this day on",
    )  # fmt: skip
    rebuild.add_argument("--to", dest="last", type=_as_of, default=None)
    rebuild.add_argument(
        "--keep", action="store_true", help="keep the rebuilt workspace even when identical"
    )
    rebuild.add_argument("--verbose", action="store_true", help="show Dagster's debug log")

    reverse = sub.add_parser(
        "reverse", help="reverse a posted cash allocation (the invoice is open again)"
    )
    reverse.add_argument("payment_id")
    reverse.add_argument("document_id")
    reverse.add_argument("--reason", required=True, help="what shows the allocation is wrong")
    reverse.add_argument("--actor", default=getpass.getuser())
    reverse.add_argument(
        "--on", type=_as_of, default=None, help="the day it is posted (default today)"
    )

    users = sub.add_parser("users", help="manage the app's users")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a user (password read from stdin or prompted)")
    add.add_argument("name")
    add.add_argument(
        "--role",
        required=True,
        choices=["cfo", "controller", "credit_manager", "collector", "admin"],
    )
    add.add_argument("--collector", default=None, help="ERP collector name (role collector)")
    users_sub.add_parser("demo", help="create the documented demo users (demo only)")

    bench = sub.add_parser("bench", help="benchmark; writes bench/results.md and results.json")
    bench.add_argument("--invoices", type=int, default=200_000)
    bench.add_argument("--runs", type=int, default=3)
    bench.add_argument("--seed", type=int, default=42)
    bench.add_argument(
        "--measures",
        default=None,
        help="comma-separated measures or groups (warehouse, actions, core, daily) to run; "
        "the others keep their rows in bench/results.json (default: all)",
    )

    prof = sub.add_parser(
        "profile",
        help="where the daily increment's dbt time goes, per model (bench/profiles/)",
    )
    prof.add_argument("--invoices", type=int, default=200_000)
    prof.add_argument("--seed", type=int, default=42)
    prof.add_argument(
        "--against",
        type=int,
        default=None,
        help="another size profiled before: fit each model's scaling exponent between both",
    )
    prof.add_argument(
        "--day-as",
        type=int,
        default=None,
        help="thin the increment day to the size of this company's day (same-size days)",
    )
    prof.add_argument(
        "--keep",
        action="store_true",
        help="keep the increment's warehouse (printed) to try a model's SQL on the day's state",
    )

    serve = sub.add_parser("serve", help="the Dagster UI and the Streamlit app, until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--dagster-port", type=int, default=3000)
    serve.add_argument(
        "--dagster-host",
        default="127.0.0.1",
        help="where the Dagster UI listens (it has no login: this machine only, unless "
        "--dagster-behind-proxy)",
    )
    serve.add_argument(
        "--dagster-behind-proxy",
        action="store_true",
        help="the Dagster UI sits behind a reverse proxy that authenticates (README)",
    )

    gen = sub.add_parser("generate", help="synthetic company data of any size")
    gen.add_argument(
        "--out", type=Path, required=True, help="folder to write landing/ and truth/ into"
    )
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--customers", type=int, default=150)
    gen.add_argument(
        "--invoices", type=int, default=None, help="total invoices (default: by customers)"
    )
    gen.add_argument("--start", type=_as_of, default=None, help="first day (default end - 2 years)")
    gen.add_argument("--end", type=_as_of, default=SAMPLE_END, help="last business day")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "run": cmd_run, "ingest": cmd_ingest, "generate": cmd_generate, "serve": cmd_serve,
        "dunning": cmd_dunning, "approve": cmd_approve, "reject": cmd_reject, "users": cmd_users,
        "bench": cmd_bench, "deliveries": cmd_deliveries, "resend": cmd_resend,
        "mark-sent": cmd_mark_sent, "accept-state": cmd_accept_state, "publish": cmd_publish,
        "backup": cmd_backup, "restore": cmd_restore, "backfill": cmd_backfill,
        "reverse": cmd_reverse, "rebuild": cmd_rebuild, "profile": cmd_profile,
        "check": cmd_check,
    }  # fmt: skip
    return handlers[args.command](args)


def cmd_run(args: argparse.Namespace) -> int:
    return _run_job(args, "daily_job", "run", "Running the pipeline")


def cmd_check(args: argparse.Namespace) -> int:
    """The weekly full check (orchestration/defs/transform/full_check.py), now."""
    return _run_job(args, "full_check_job", "check", "Testing every row of the warehouse")


def _run_job(args: argparse.Namespace, job: str, name: str, doing: str) -> int:
    from orchestration.runner import run_job

    settings = load_settings()
    with (
        console.status(f"{doing} for {args.as_of} in {settings.home} ..."),
        _tool_output(settings, args, f"{name}-{args.as_of}") as log,
    ):
        outcome = _start(
            lambda: run_job(settings, job, args.as_of, console_level=_level(args), on_wait=_waiting)
        )
    if isinstance(outcome, int):
        return outcome
    if log and not outcome.success:
        console.print(f"dbt's output of this run: {log}")
    return _report(outcome)


def cmd_backfill(args: argparse.Namespace) -> int:
    """Each day from --from to --to its own run, in order (a day is built on the one
    before); stops at the first day whose run fails or cannot start."""
    from datetime import timedelta

    if args.last < args.first:
        console.print("[red]--to is before --from[/red]")
        return 2
    worst = 0
    day = args.first
    while day <= args.last:
        console.print(f"[bold]{day}[/bold]")
        code = cmd_run(argparse.Namespace(as_of=day, verbose=args.verbose))
        if code not in (0, EXIT_NEEDS_A_PERSON):
            console.print(f"[red]stopped at {day}: later days build on it[/red]")
            return code
        worst = max(worst, code)
        day += timedelta(days=1)
    return worst


def cmd_ingest(args: argparse.Namespace) -> int:
    from orchestration.loading.files import stage_into_landing
    from orchestration.loading.routing import guess_source
    from orchestration.runner import run_job

    settings = load_settings()
    settings.ensure_workspace()
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        console.print(f"[red]not a file:[/red] {', '.join(map(str, missing))}")
        return 2
    by_source: dict[str, list[Path]] = {}
    for file in args.files:
        source = args.source or guess_source(file.name, file.read_bytes()[:4096])
        if source is None:
            console.print(
                f"[red]{file}: cannot tell whether it is ERP, bank, bureau or ops data;"
                " pass --source[/red]"
            )
            return 2
        by_source.setdefault(source, []).append(file)
    for source, files in by_source.items():
        stage_into_landing(settings, files, source)
    with console.status(f"Ingesting {len(args.files)} file(s) ..."):
        outcome = _start(
            lambda: run_job(
                settings, "ingest_job", date.today(), console_level=_level(args), on_wait=_waiting
            )
        )
    return outcome if isinstance(outcome, int) else _report(outcome)


def cmd_dunning(args: argparse.Namespace) -> int:
    from actions.engine import preview
    from orchestration.loading.warehouse import connect

    settings = load_settings()
    if not settings.warehouse_path.exists():
        console.print("[red]no warehouse yet: run `forderwerk run` first[/red]")
        return 2
    with connect(settings, read_only=True) as con:
        result = preview(settings, con, args.as_of)
    table = Table(
        "action",
        "customer",
        "channel",
        "level",
        "total",
        "approval",
        "reason",
        title=f"Dunning preview for {args.as_of} (nothing is sent)",
    )
    for row in result.actions:
        table.add_row(
            str(row["action_id"]),
            str(row["customer_id"]),
            str(row["channel"]),
            str(row["level"]),
            f"{row['total']} {row['currency']}",
            "yes" if row["requires_approval"] else "",
            str(row.get("reason") or ""),
        )
    console.print(table)
    console.print(
        f"{len(result.actions)} action(s) would be planned, {len(result.stops)} stopped, "
        f"{len(result.awaiting_approval)} already awaiting approval, "
        f"{len(result.failed)} failed, {len(result.uncertain)} uncertain."
    )
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from actions.approvals import approve

    return _decisions(approve(load_settings(), args.actions, args.actor))


def cmd_reject(args: argparse.Namespace) -> int:
    from actions.approvals import reject

    return _decisions(reject(load_settings(), args.actions, args.actor, args.reason))


def cmd_accept_state(args: argparse.Namespace) -> int:
    from orchestration.continuity import accept_state
    from orchestration.run_lock import run_lock

    settings = load_settings()
    settings.ensure_workspace()
    with run_lock(settings, "forderwerk accept-state", on_wait=_waiting):
        accepted = accept_state(settings, args.actor, args.reason)
    for problem in accepted:
        console.print(f"[yellow]accepted[/yellow] {problem}")
    console.print(
        f"The current state is the new baseline ({len(accepted)} finding(s) accepted by "
        f"{args.actor}, recorded in the ops store)."
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from orchestration.backup import BackupError, backup
    from orchestration.run_lock import run_lock

    settings = load_settings()
    try:
        with run_lock(settings, "forderwerk backup", on_wait=_waiting):
            folder = backup(settings, args.to)
    except BackupError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    console.print(f"backup written to {folder}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from orchestration.backup import BackupError, restore
    from orchestration.run_lock import run_lock

    settings = load_settings()
    settings.ensure_workspace()
    try:
        with run_lock(settings, "forderwerk restore", on_wait=_waiting):
            report = restore(
                settings,
                args.folder,
                accept_newer_ledger=args.accept_newer_ledger,
                actor=args.actor,
            )
    except BackupError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    console.print(f"restored {report.backup}")
    for path in report.kept_aside:
        console.print(f"kept the replaced file as {path}")
    for problem in report.problems:
        console.print(f"[red]after the restore:[/red] {problem}")
    return EXIT_STATE_LOST if report.problems else 0


def cmd_publish(args: argparse.Namespace) -> int:
    from orchestration.loading.publish import publish_snapshot
    from orchestration.run_lock import run_lock

    settings = load_settings()
    if not settings.warehouse_path.exists():
        console.print("[red]no warehouse yet: run `forderwerk run` first[/red]")
        return 2
    with run_lock(settings, "forderwerk publish", on_wait=_waiting):
        size = publish_snapshot(settings, args.as_of, accept_drop=args.accept_drop)
    console.print(f"published {settings.serving_path} ({size} bytes) for {args.as_of}")
    return 0


def cmd_deliveries(args: argparse.Namespace) -> int:
    from actions.ledger import needs_attention
    from actions.ops_store import engine_for

    settings = load_settings()
    if not settings.ops_store_path.exists():
        console.print("no ops store yet: nothing was delivered")
        return 0
    attention = needs_attention(engine_for(settings))
    _print_attention(attention)
    if not attention:
        console.print("No failed or uncertain deliveries.")
    return 0


def cmd_resend(args: argparse.Namespace) -> int:
    from actions.approvals import resend

    return _decisions(resend(load_settings(), args.actions, args.actor))


def cmd_mark_sent(args: argparse.Namespace) -> int:
    from actions.approvals import mark_sent

    return _decisions(mark_sent(load_settings(), args.actions, args.actor, args.reason))


def _print_attention(attention: list[dict]) -> None:
    """Deliveries a person must resolve, and how."""
    if not attention:
        return
    table = Table(
        "action", "state", "date", "customer", "channel", "retry at", "error",
        title="Deliveries waiting for a person",
    )  # fmt: skip
    for a in attention:
        table.add_row(
            str(a["action_id"]),
            f"[red]{a['state']}[/red]" if a["state"] == "uncertain" else str(a["state"]),
            str(a["as_of_date"]),
            str(a["customer_id"]),
            str(a["channel"]),
            str(a.get("retry_at") or "no retry"),
            str(a.get("error") or ""),
        )
    console.print(table)
    console.print(
        "Resolve each: `forderwerk resend ACTION` delivers it again (for an uncertain e-mail "
        "only after SendGrid's activity feed shows it was not sent), `forderwerk mark-sent "
        "ACTION --reason TEXT` records that it went out."
    )


def _decisions(decisions: list) -> int:
    for decision in decisions:
        mark = "[green]ok[/green]" if decision.state else "[yellow]unchanged[/yellow]"
        console.print(f"{mark} {decision.action_id}: {decision.message}")
    return 0 if all(d.state for d in decisions) else 1


def cmd_rebuild(args: argparse.Namespace) -> int:
    from orchestration.rebuild import discard, rebuild
    from orchestration.run_lock import run_lock
    from orchestration.runner import run_job

    settings = load_settings()
    if not settings.warehouse_path.exists():
        console.print(f"[red]no warehouse at {settings.warehouse_path}: nothing to rebuild[/red]")
        return EXIT_BAD_INPUT

    def replay(target: Settings, day: date) -> bool:
        with (
            console.status(f"Replaying {day} in {target.home} ..."),
            _tool_output(target, args, f"replay-{day}") as log,
        ):
            outcome = run_job(target, "replay_job", day, console_level=_level(args))
        console.print(f"{day} replayed" if outcome.success else f"[red]{day} failed[/red]")
        for failure in outcome.failures:
            console.print(f"[red]failed[/red] {failure}")
        if log and not outcome.success:
            console.print(f"dbt's output of this day: {log}")
        return outcome.success

    # the daily runs wait: the current warehouse is read at the start and at the end
    with run_lock(settings, "rebuild"):
        report = rebuild(settings, replay, first=args.first, until=args.last)
    if report.failed_day is not None:
        console.print(f"[red]the replay of {report.failed_day} failed[/red]; see {report.home}")
        return EXIT_STEP_FAILED
    for table, (only_current, only_rebuilt) in report.differences.items():
        console.print(
            f"[red]differs[/red] {table}: {only_current} row(s) only in the current warehouse, "
            f"{only_rebuilt} only in the rebuilt one"
        )
    if not report.identical:
        console.print(f"The rebuilt workspace is kept for comparison: {report.home}")
        return EXIT_STEP_FAILED
    start = (
        f" from the books as they stood before {report.rolled_back_to}"
        if report.rolled_back_to
        else ""
    )
    console.print(
        f"[green]identical[/green]: {len(report.days)} day(s) replayed{start}, "
        f"{len(report.compared)} tables compared (the posted ledger and every mart)."
    )
    if not args.keep:
        discard(report)
    return 0


def cmd_reverse(args: argparse.Namespace) -> int:
    from actions.reversals import ReversalRefused, request_reversal

    try:
        reversal_id, held = request_reversal(
            load_settings(), args.payment_id, args.document_id,
            actor=args.actor, reason=args.reason, posting_date=args.on,
        )  # fmt: skip
    except ReversalRefused as refused:
        console.print(f"[red]refused[/red] {refused}")
        return EXIT_BAD_INPUT
    console.print(
        f"[green]ok[/green] {reversal_id}: {held.applied_amount} {held.currency} of payment "
        f"{held.payment_id} on {held.document_id} (customer {held.customer_id}) will be "
        "reversed by the next run and parked as unapplied cash (reason: reversed)."
    )
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from core.users import add_user, create_demo_users

    settings = load_settings()
    settings.ensure_workspace()
    if args.users_command == "demo":
        for name, role, collector, password in create_demo_users(settings):
            console.print(f"{name:<20} {role:<15} {collector or '':<20} password: {password}")
        return 0
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass()
    try:
        user = add_user(settings, args.name, args.role, args.collector, password)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    console.print(f"user {user.name} ({user.role}) saved to {settings.users_file}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from tools.bench import run_bench

    try:
        results = run_bench(args.invoices, runs=args.runs, seed=args.seed, measures=args.measures)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    console.print(f"results: {results} and {results.with_suffix('.json')}")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from tools.bench import DEFAULT_OUT_DIR
    from tools.bench.profile import profile

    try:
        path, text = profile(
            args.invoices,
            seed=args.seed,
            out_dir=DEFAULT_OUT_DIR,
            against=args.against,
            day_as=args.day_as,
            keep=args.keep,
        )
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    print(text)
    console.print(f"profile: {path}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from orchestration.serve import serve

    return serve(
        load_settings(),
        args.host,
        args.port,
        args.dagster_port,
        args.dagster_host,
        behind_proxy=args.dagster_behind_proxy,
    )


def cmd_generate(args: argparse.Namespace) -> int:
    from tools.generate import generate_company

    with console.status(f"Generating a company into {args.out} ..."):
        summary = generate_company(
            args.out, seed=args.seed, customers=args.customers, invoices=args.invoices, end=args.end
        )
    table = Table("what", "count", title=f"Generated into {args.out}")
    for key, value in summary.items():
        if isinstance(value, int | str):
            table.add_row(str(key), str(value))
    console.print(table)
    return 0


@contextlib.contextmanager
def _tool_output(settings, args: argparse.Namespace, name: str) -> Iterator[Path | None]:
    """dbt's progress lines (dagster-dbt echoes all 400 to stdout) go to
    ``<home>/logs/<name>-<time>.log`` instead of the terminal, unless --verbose; the
    caller names the file when a step failed. The status line stays on the terminal."""
    if args.verbose:
        yield None
        return
    folder = settings.home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{datetime.now():%Y%m%dT%H%M%S}.log"
    terminal = console.file
    console.file = terminal  # pin the status line to the terminal while stdout is redirected
    try:
        with path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
            yield path
    finally:
        console.file = None


def _start(start_run: Callable[[], RunOutcome]) -> RunOutcome | int:
    """Start a job; one that cannot start says why and returns its exit code instead."""
    from orchestration.continuity import WorkspaceStateError
    from orchestration.run_lock import RunLockTimeout
    from orchestration.runner import NoSuchDay

    try:
        return start_run()
    except NoSuchDay as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    except RunLockTimeout as exc:
        console.print(f"[red]{exc}[/red]")
        return EXIT_STEP_FAILED
    except WorkspaceStateError as exc:
        console.print(f"[red]{exc}[/red]")
        return EXIT_STATE_LOST


def _waiting(why: str) -> None:
    """Another run holds the workspace: say so, then wait for it (never skip the day)."""
    console.print(f"[yellow]{why}[/yellow] ...")


def _level(args: argparse.Namespace) -> str:
    """Dagster's console log: warnings only, unless asked; the Dagster UI keeps it all."""
    return "DEBUG" if args.verbose else "WARNING"


#: exit codes of ``forderwerk run`` / ``ingest``
EXIT_STEP_FAILED = 1
EXIT_BAD_INPUT = 2  # a bad argument or a day that cannot run
EXIT_NEEDS_A_PERSON = 3  # the run completed, but deliveries failed or are uncertain
EXIT_STATE_LOST = 4  # a store lost history the others remember: nothing ran


def _report(outcome) -> int:
    """Summarise what was loaded, skipped and quarantined, and the deliveries a person must
    resolve; exit 0 only if every step succeeded and no delivery waits for a person."""
    if outcome.files:
        table = Table("source", "file", "status", "rows", "dupl.", "reason", title="Ingestion")
        colour = {"loaded": "green", "skipped": "dim", "quarantined": "yellow"}
        for f in outcome.files:
            reason = (f.get("reason") or f.get("warnings") or "").splitlines()
            table.add_row(
                f["source"],
                f["file_name"],
                f"[{colour[f['status']]}]{f['status']}",
                str(f["rows"]),
                str(f["duplicate_rows"]),
                reason[0] if reason else "",
            )
        console.print(table)
    counts = {
        s: sum(1 for f in outcome.files if f["status"] == s)
        for s in ("loaded", "skipped", "quarantined")
    }
    rows = sum(int(f["rows"]) for f in outcome.files)
    console.print(
        f"{counts['loaded']} file(s) loaded ({rows} rows), {counts['skipped']} skipped "
        f"(already loaded), {counts['quarantined']} quarantined. Run {outcome.run_id}."
    )
    if outcome.dunning:
        d = outcome.dunning
        console.print(
            "Dunning: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in d.items() if n)
            if any(d.values())
            else "Dunning: nothing to do today."
        )
    for f in outcome.files:
        if f.get("warnings"):
            console.print(f"[yellow]warning[/yellow] {f['file_name']} loaded, but: {f['warnings']}")
    quarantined = [f for f in outcome.files if f["status"] == "quarantined"]
    for f in quarantined:
        console.print(f"[yellow]quarantined[/yellow] {f['path']}: see {f['path']}.reason.txt")
    _print_attention(outcome.attention)
    if not outcome.success:
        for failure in outcome.failures:
            console.print(f"[red]failed[/red] {failure}")
        return EXIT_STEP_FAILED
    return EXIT_NEEDS_A_PERSON if outcome.attention else 0


if __name__ == "__main__":
    sys.exit(main())
