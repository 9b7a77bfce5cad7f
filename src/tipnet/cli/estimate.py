"""``tipnet estimate`` and ``tipnet simulate``: multiple systems estimation from the command line.

``estimate`` reads a capture table (one 0/1 column per list and a ``count`` column) or, with
``--records``, one row per record (``person_id``, ``source``), and prints the estimate with its
intervals: JSON with ``--json`` (stdout stays clean; progress goes to stderr), a readable summary
otherwise. ``simulate --table`` draws a capture table from a population of known size, to test the
estimator against the truth. Bad input exits with code 2 and names the problem.

numpy and scipy are imported inside the commands so that ``tipnet --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from tipnet.cli._errors import InputError

#: Bootstraps at least this long get a progress bar on stderr.
PROGRESS_FROM = 200
#: Options that only some methods use. Giving one to another method is refused (exit 2) rather
#: than silently ignored: a researcher who sets --pthresh for bic believes it changed something.
METHOD_OPTIONS = {
    "pthresh": ("stepwise", "aic"),
    "maxorder": ("bic",),
    "ntop": ("bic",),
    "nboot": ("stepwise", "aic", "bic"),
}
LOGLINEAR = ("stepwise", "aic", "bic")
#: The latent sampler's options: used by --method latent, and by the latent run of the comparison
#: beside a log-linear method (so not with --no-compare).
LATENT_OPTIONS = ("burnin", "samples", "chains")


def unused_options(method: str, given: set[str], *, nboot: int, compare: bool) -> list[str]:
    """Why each option in ``given`` (names without ``--``) would be ignored by this run: one
    sentence per ignored option, naming the option and the method; empty when all are used."""
    reasons = []
    for option, methods in METHOD_OPTIONS.items():
        if option in given and method not in methods:
            extra = (" (the latent-class method has a credible interval, not a bootstrap)"
                     if option == "nboot" else "")
            reasons.append(
                f"--{option} is not used by --method {method} (only by {' and '.join(methods)})"
                f"{extra}; leave it out, or choose --method {methods[0]}"
            )
    if method in LOGLINEAR and not compare:
        for option in LATENT_OPTIONS:
            if option in given:
                reasons.append(
                    f"--{option} is not used by --method {method} with --no-compare (only by "
                    f"--method latent, and by the latent-class run of the comparison); leave it "
                    f"out, or drop --no-compare"
                )
    if "seed" in given and method in LOGLINEAR and nboot == 0 and not compare:
        reasons.append(
            f"--seed is not used by --method {method} with --nboot 0 and --no-compare (nothing "
            f"is drawn at random); leave it out, or ask for a bootstrap with --nboot"
        )
    return reasons


@click.command("estimate")
@click.argument("table_file", metavar="TABLE", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--records", "records_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Build the table from FILE.csv: one row per record with person_id and source.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a readable summary.")
@click.option("--method", type=click.Choice(["stepwise", "aic", "bic", "latent"]), default="stepwise",
              show_default=True,
              help="stepwise: SparseMSE (Chan, Silverman & Vincent 2021); aic: forward AIC "
                   "(Silverman 2014); bic: all hierarchical models (Silverman, Chan & Vincent 2024); "
                   "latent: Bayesian latent classes (Manrique-Vallier 2016, as LCMCR).")
@click.option("--nboot", type=click.IntRange(min=0), default=1000, show_default=True,
              help="BCa bootstrap replicates, model selection rerun in each (0: none). "
                   "Log-linear methods only (latent has a credible interval).")
@click.option("--seed", type=click.IntRange(min=0), default=1234, show_default=True,
              help="Seed of the bootstrap resampling.")
@click.option("--pthresh", type=click.FloatRange(0, 1), default=None,
              help="Threshold p-value (stepwise 0.02, aic 0.05).")
@click.option("--maxorder", type=click.IntRange(min=1), default=None,
              help="bic: highest interaction order (default by number of lists).")
@click.option("--ntop", type=click.IntRange(min=1), default=None,
              help="bic: best models kept for the bootstrap (default by number of lists).")
@click.option("--conf-level", type=click.FloatRange(0.5, 0.999), default=0.95, show_default=True,
              help="Coverage of the intervals.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--burnin", type=click.IntRange(min=0), default=None,
              help="latent: sweeps discarded per chain (default 10,000, as LCMCR).")
@click.option("--samples", type=click.IntRange(min=4), default=None,
              help="latent: draws kept per chain (default 1,000, thinned by 10, as LCMCR).")
@click.option("--chains", type=click.IntRange(min=1, max=64), default=None,
              help="latent: independent chains for the R-hat (default 4).")
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="Also fit the other kind of model (latent classes beside a log-linear method, "
                   "stepwise beside latent) and Chao's lower bound, side by side, with a warning "
                   "when they disagree.")
def estimate(
    table_file: Path | None,
    records_file: Path | None,
    as_json: bool,
    method: str,
    nboot: int,
    seed: int,
    pthresh: float | None,
    maxorder: int | None,
    ntop: int | None,
    conf_level: float,
    quiet: bool,
    burnin: int | None,
    samples: int | None,
    chains: int | None,
    compare: bool,
) -> None:
    """Estimate the total population, seen and unseen, from overlapping lists.

    TABLE (CSV separated by commas, semicolons or tabs, or Excel .xlsx: the first sheet) has one
    0/1 column per list and a `count` column (people seen on exactly that combination of lists);
    the all-zero pattern is what is estimated and must not appear.
    Prints observed, estimate, the model-conditional interval (ci_low, ci_high), the BCa
    bootstrap interval (bca_low, bca_high), the model, the method and warnings.
    """
    from tipnet.core.estimation import MSEModel, TableError, read_records, read_table

    if (table_file is None) == (records_file is None):
        raise InputError("give either TABLE.csv or --records FILE.csv (one of them)")
    # An option is "given" when it came from the command line (or the environment), whatever its
    # value: `--nboot 1000 --method latent` is refused though 1,000 is the default.
    ctx = click.get_current_context()
    given = {
        name for name in ("pthresh", "maxorder", "ntop", "nboot", "seed", *LATENT_OPTIONS)
        if ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)
    }
    reasons = unused_options(method, given, nboot=nboot, compare=compare)
    if reasons:
        raise InputError("; ".join(reasons))
    try:
        if records_file is not None:
            table = read_records(records_file)
        else:
            assert table_file is not None
            table = read_table(table_file)
    except TableError as exc:
        raise InputError(f"{records_file or table_file}: {exc}") from None
    latent_options = {
        name: value
        for name, value in (("burnin", burnin), ("samples", samples), ("chains", chains))
        if value is not None
    }
    try:
        if method == "latent":
            from tipnet.core.estimation.latent import LatentClassModel

            model: Any = LatentClassModel(table, **latent_options)
        else:
            model = MSEModel(table, method=method, pthresh=pthresh, maxorder=maxorder, ntop=ntop)
    except TableError as exc:  # NotEstimable: a valid table that no model can answer
        raise InputError(f"{records_file or table_file}: cannot estimate: {exc}") from None
    except ValueError as exc:
        raise InputError(str(exc)) from None

    latent = method == "latent"
    show = (latent or nboot >= PROGRESS_FROM) and not quiet
    label = "Latent-class sampler" if latent else f"Bootstrap ({nboot} replicates)"
    with contextlib.ExitStack() as stack:
        # The comparison's latent fit runs beside the log-linear fit when a second core is free
        # (core.estimation.background): the same answer, in the wall time of the longer fit.
        background = None
        if compare and not latent:
            from tipnet.core.estimation.background import LatentInBackground, cores_available

            if cores_available() >= 2:
                background = stack.enter_context(
                    LatentInBackground(table, seed=seed, latent_options=latent_options))
        with _progress(show, label) as progress:
            try:
                result = model.fit(nboot=nboot, seed=seed, conf_level=conf_level,
                                   progress=progress, warn=False)
            except ValueError as exc:
                raise InputError(str(exc)) from None
        if compare:
            from tipnet.core.estimation.diagnostics import compare_methods

            if background is not None:
                if not quiet:
                    click.echo("Latent-class sampler (for comparison): finishing", err=True)
                result = compare_methods(table, result, seed=seed, latent=background.result())
            else:
                with _progress(not quiet and not latent, "Latent-class sampler (for comparison)") as progress:
                    result = compare_methods(table, result, seed=seed, progress=progress,
                                             latent_options=latent_options)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(result.summary())
    if not result.interval_usable:
        # Never a zero-width or undefined interval with exit code 0: a script must notice.
        click.echo("Error: the bootstrap gave no usable interval (neither BCa nor percentile); "
                   "do not publish this estimate. Check the table, or use more replicates.",
                   err=True)
        raise click.exceptions.Exit(1)


class _progress:
    """A click progress bar on stderr, fed by core's ``progress(done, total)`` callback."""

    def __init__(self, show: bool, label: str) -> None:
        self.show = show
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.show:
            return None
        return self.update

    def update(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():  # a log, not a terminal: a line at each quarter
            quarter = 4 * done // total
            if quarter > 4 * self.done // total or self.done == 0:
                click.echo(f"{self.label}: {done}/{total}", err=True)
            self.done = done
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                         show_eta=True, show_percent=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("simulate")
@click.option("--table", "as_table", is_flag=True, default=True,
              help="Print a capture table (list columns and count) as CSV (the default).")
@click.option("--size", type=click.IntRange(min=1), required=True,
              help="True population size.")
@click.option("--p", "probabilities", required=True,
              help="Capture probability of each list, comma-separated (e.g. 0.1,0.2,0.05).")
@click.option("--lists", "list_names", default=None,
              help="List names, comma-separated (default A, B, C, ...).")
@click.option("--interaction", "interactions", multiple=True, metavar="A:B=LOGOR",
              help="Dependence between two lists as a log odds ratio (repeatable).")
@click.option("--heterogeneity", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="SD of a person-level catchability on the logit scale (0: none).")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Random seed.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON with the true size and the table instead of CSV.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
def simulate(
    as_table: bool,
    size: int,
    probabilities: str,
    list_names: str | None,
    interactions: tuple[str, ...],
    heterogeneity: float,
    seed: int | None,
    as_json: bool,
    output: Path | None,
) -> None:
    """Simulate a capture table from a population of known size (to test `tipnet estimate`).

    With no heterogeneity the pairwise log-linear model holds exactly. The true size is printed
    on stderr (or included with --json).
    """
    from tipnet.core.estimation import TableError, simulate_table

    try:
        p = [float(x) for x in probabilities.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"--p must be comma-separated numbers, not {probabilities!r}") from None
    names = [n.strip() for n in list_names.split(",")] if list_names else None
    if names is not None and len(names) != len(p):
        raise InputError(f"--lists names {len(names)} lists but --p gives {len(p)} probabilities")
    labels = names or [chr(ord("A") + i) for i in range(len(p))]
    gammas: dict[tuple[int, int], float] = {}
    for spec in interactions:
        pair, sep, value = spec.partition("=")
        first, colon, second = pair.partition(":")
        if not sep or not colon:
            raise InputError(f"--interaction must look like A:B=0.7, not {spec!r}")
        try:
            i, j = labels.index(first.strip()), labels.index(second.strip())
            gammas[(i, j)] = float(value)
        except ValueError:
            raise InputError(f"--interaction {spec!r}: unknown list or bad number") from None
    try:
        sim = simulate_table(size, p, lists=labels, interactions=gammas,
                             heterogeneity=heterogeneity, seed=seed)
    except TableError as exc:
        raise InputError(str(exc)) from None
    text = (json.dumps(sim.to_dict(), indent=2) + "\n") if as_json else sim.table.to_csv()
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if not as_json:
        click.echo(f"true population size: {sim.true_size} "
                   f"(observed {sim.table.n_observed}, unobserved {sim.unobserved})", err=True)


COMMANDS = [estimate, simulate]
