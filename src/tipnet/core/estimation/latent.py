"""The Bayesian non-parametric latent-class model of Manrique-Vallier (2016), in numpy.

Log-linear models with two-way terms underestimate when some people are far easier to find than
others (heterogeneous catchability). The latent-class model lets the population be a mixture of
up to ``K`` classes; within a class, the lists find people independently, each with its own
probability. Mixing over classes reproduces heterogeneity and dependence between lists. The
weights of the classes follow a truncated stick-breaking Dirichlet process, so the data decide how
many classes are used (Manrique-Vallier 2016, Biometrics 72:1246-1254; the R package LCMCR,
used by HRDAG).

The Gibbs sampler is the one of the paper (Sec. 3 and the appendix), on the capture table rather
than on individuals:

1. allocate the people of every observed cell to classes (a multinomial per cell);
2. draw every list's capture probability in every class from its Beta(1 + seen, 1 + not seen);
3. draw the stick-breaking weights ``V_k ~ Beta(1 + n_k, alpha + n_{>k})``;
4. draw the number of unseen people ``n0 ~ NegBin(n, 1 - pi0)`` (data augmentation with the
   prior ``p(N) ~ 1/N``), where ``pi0`` is the probability of being on no list; LCMCR redraws
   while ``n0 > 20 n``, and so does this;
5. allocate the unseen people to classes (a multinomial);
6. draw the concentration ``alpha ~ Gamma(a_alpha + K - 1, b_alpha - log nu_K)``.

Several chains run side by side (the arrays carry a chain axis, so each step is one numpy call
for all chains). Steps 5 and 1 of consecutive sweeps share one multinomial (given the weights and
capture probabilities the seen and the unseen people's classes are independent), and every Gamma
variate of a sweep comes from one call: three calls of the random generator a sweep instead of
eleven, 1.3 to 1.6 times faster for the same posterior (``_Sweep``; tests/core/estimation/
test_latent_speed.py compares it with the step-by-step sampler it replaced). The estimate is the posterior median of ``N = n + n0``; the interval is the
central credible interval; convergence is judged by the split R-hat and the effective sample
size over chains (Vehtari, Gelman, Simpson, Carpenter & Buerkner 2021, Bayesian Analysis
16:667-718).

Checked against LCMCR 0.4.14 itself: ``bench/latent_vs_lcmcr.py`` and bench/RESULTS.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .bootstrap import EstimationCancelled
from .chao import ChaoBound, chao_lower_bound
from .results import Note, _fmt, _num, closing_lines
from .table import CaptureTable

__all__ = [
    "LatentClassModel",
    "LatentResult",
    "effective_sample_size",
    "split_rhat",
]

#: LCMCR's defaults as HRDAG uses them: K = 10 classes, Gamma(0.25, 0.25) prior on the
#: concentration, 10,000 burn-in iterations, 1,000 samples kept every 10th iteration.
DEFAULT_K = 10
DEFAULT_A_ALPHA = 0.25
DEFAULT_B_ALPHA = 0.25
DEFAULT_BURNIN = 10_000
DEFAULT_SAMPLES = 1_000
DEFAULT_THINNING = 10
DEFAULT_CHAINS = 4
#: LCMCR's warm-up before its burn-in: 500 sweeps with the concentration held at 0.3 / K.
WARMUP = 500
#: LCMCR redraws the unseen count while it exceeds this multiple of the observed.
MAX_UNSEEN_RATIO = 20
#: Convergence thresholds. Vehtari et al. (2021, Sec. 4) ask for R-hat below 1.01 and 100
#: effective draws per chain before trusting tail quantiles; LCMCR's own chains on real tables
#: rarely reach that (its samples are autocorrelated even thinned by 10: on Kosovo, about 90
#: effective of 4,000), so the warning uses the older, looser rule of Gelman et al. (BDA3,
#: Sec. 11.5): R-hat above 1.05 or fewer than 100 effective draws in all means poor.
RHAT_LIMIT = 1.05
ESS_MIN = 100
#: Sweeps between calls of the progress and cancellation callbacks.
CALLBACK_EVERY = 200

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class LatentResult:
    """A latent-class estimate: the posterior of the total population and its diagnostics.

    The fields shared with :class:`~tipnet.core.estimation.results.MSEResult` (``observed``,
    ``estimate``, ``ci_low``, ``ci_high``, ``method``, ``warnings`` in :meth:`to_dict`) mean the
    same, except that the interval is a Bayesian credible interval rather than a confidence
    interval.
    """

    method: str
    options: dict[str, Any]
    lists: tuple[str, ...]
    n_observed: int
    estimate: float
    dark_figure: float
    conf_level: float
    ci_low: float
    ci_high: float
    mean: float
    sd: float
    rhat: float
    ess: float
    occupied_classes: float
    chain_medians: tuple[float, ...]
    warnings: tuple[Note, ...]
    chao: ChaoBound | None = None
    comparison: dict[str, Any] | None = None
    draws: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False, compare=False)

    # the attributes the log-linear result also has, so callers can treat both alike
    model: tuple[str, ...] = ()
    never_overlap: tuple[str, ...] = ()
    #: Pairs of lists with nobody in common in the data (no model term is ever fixed for them).
    non_overlapping_pairs: tuple[str, ...] = ()
    bootstrap: None = None
    bca_low: None = None
    bca_high: None = None

    @property
    def interval_usable(self) -> bool:
        """Whether the credible interval can be quoted (both ends finite, estimate inside)."""
        ends = (self.ci_low, self.estimate, self.ci_high)
        return all(math.isfinite(v) for v in ends) and self.ci_low <= self.estimate <= self.ci_high

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (no NaN or infinity)."""
        out: dict[str, Any] = {
            "observed": self.n_observed,
            "estimate": _num(self.estimate),
            "dark_figure": _num(self.dark_figure),
            "conf_level": self.conf_level,
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "interval": "credible",
            "model": [],
            # The log-linear result's one field for such pairs (issue 11); the latent model has
            # no pair terms, so none is "in_model".
            "non_overlapping_pairs": [{"pair": pair, "in_model": False} for pair in self.non_overlapping_pairs],
            "method": self.method,
            "options": dict(self.options),
            "warnings": [note.to_dict() for note in self.warnings],
            "lists": list(self.lists),
            "posterior": {
                "mean": _num(self.mean),
                "sd": _num(self.sd),
                "chain_medians": [_num(m) for m in self.chain_medians],
                "occupied_classes": _num(self.occupied_classes),
            },
            "diagnostics": {
                "rhat": _num(self.rhat),
                "ess": _num(self.ess),
                "chains": self.options.get("chains"),
                "draws": int(self.draws.size),
                "rhat_limit": RHAT_LIMIT,
                "ess_min": ESS_MIN,
            },
        }
        if self.chao is not None:
            out["chao"] = self.chao.to_dict()
        if self.comparison is not None:
            out["comparison"] = self.comparison
        return out

    def summary(self) -> str:
        """A plain-text report for a researcher."""
        pct = f"{self.conf_level:.0%}"
        o = self.options
        lines = [
            "Multiple systems estimation: Bayesian non-parametric latent classes "
            "(Manrique-Vallier 2016, as LCMCR)",
            f"Lists ({len(self.lists)}): {', '.join(self.lists)}",
            f"People observed: {self.n_observed:,}",
            f"Classes: at most {o['K']} (about {self.occupied_classes:.1f} in use on average)",
            f"Estimated total population (posterior median): {_fmt(self.estimate)}"
            f"   (not on any list: {_fmt(self.dark_figure)})",
            f"{pct} credible interval: {_fmt(self.ci_low)} to {_fmt(self.ci_high)}",
            f"Chains: {o['chains']} x {o['samples']:,} samples (burn-in {o['burnin']:,}, "
            f"thinning {o['thinning']}, seed {o['seed']}); R-hat {self.rhat:.3f}, "
            f"effective sample size {self.ess:,.0f}",
        ]
        lines.extend(closing_lines(self))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


class LatentClassModel:
    """Population size from a capture table with the latent-class model of Manrique-Vallier (2016).

    Parameters
    ----------
    table
        The capture table.
    K
        Most latent classes (truncation of the stick-breaking process; LCMCR's HRDAG default 10).
    a_alpha, b_alpha
        Gamma prior of the Dirichlet-process concentration (LCMCR: 0.25 and 0.25).
    burnin, samples, thinning
        Sweeps discarded, draws kept per chain, and sweeps between kept draws (LCMCR's
        ``lcmCR_PostSampl`` defaults: 10,000, 1,000, 10).
    chains
        Independent chains, run side by side, for the R-hat.

    References
    ----------
    Manrique-Vallier, D. (2016). Bayesian population size estimation using Dirichlet process
    mixtures. Biometrics 72(4), 1246-1254.
    Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. and Buerkner, P.-C. (2021).
    Rank-normalization, folding, and localization: an improved R-hat. Bayesian Analysis 16, 667-718.
    """

    #: SD (log scale) of the per-chain perturbation of the starting capture rates.
    init_spread = 0.5

    def __init__(
        self,
        table: CaptureTable,
        *,
        K: int = DEFAULT_K,  # noqa: N803 (the paper's name)
        a_alpha: float = DEFAULT_A_ALPHA,
        b_alpha: float = DEFAULT_B_ALPHA,
        burnin: int = DEFAULT_BURNIN,
        samples: int = DEFAULT_SAMPLES,
        thinning: int = DEFAULT_THINNING,
        chains: int = DEFAULT_CHAINS,
    ) -> None:
        if K < 1:
            raise ValueError("K (the most latent classes) must be at least 1")
        if a_alpha <= 0 or b_alpha <= 0:
            raise ValueError("a_alpha and b_alpha must be positive")
        if burnin < 0 or samples < 4 or thinning < 1:
            raise ValueError("burn-in must not be negative, samples at least 4, thinning at least 1")
        if chains < 1:
            raise ValueError("chains must be at least 1")
        if table.n_observed < 1:
            raise ValueError("the table has no one in it")
        self.table = table
        self.K = K
        self.a_alpha = float(a_alpha)
        self.b_alpha = float(b_alpha)
        self.burnin = int(burnin)
        self.samples = int(samples)
        self.thinning = int(thinning)
        self.chains = int(chains)

    def fit(
        self,
        *,
        seed: int | None = 1234,
        conf_level: float = 0.95,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        **_ignored: Any,
    ) -> LatentResult:
        """Run the chains and summarise the posterior of the population size.

        ``progress(done, total)`` is called every few hundred sweeps (all chains together), and
        ``cancelled()`` as often: ``True`` stops the fit with
        :class:`~tipnet.core.estimation.bootstrap.EstimationCancelled`.
        """
        if not 0.5 <= conf_level < 1.0:
            raise ValueError("conf_level must be in [0.5, 1)")
        n0 = self.sample(seed=seed, progress=progress, cancelled=cancelled)
        return self._result(n0, seed=seed, conf_level=conf_level)

    # ------------------------------------------------------------------ the sampler
    def sample(
        self,
        *,
        seed: int | None = 1234,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> np.ndarray:
        """Draws of the unseen count ``n0``, shape ``(chains, samples)``."""
        table = self.table
        counts = table.cell_counts
        present = np.flatnonzero(counts > 0)
        freq = counts[present].astype(np.int64)
        X = _patterns(present, table.k_lists)  # noqa: N806 (cells x lists)
        rate = np.clip((X * freq[:, None]).sum(axis=0) / int(freq.sum()), 1e-3, 1 - 1e-3)
        C = self.chains  # noqa: N806
        trace, occupied = self._run(
            np.random.default_rng(seed), X, np.broadcast_to(freq, (C, freq.size)),
            np.broadcast_to(rate, (C, rate.size)), progress=progress, cancelled=cancelled,
        )
        self._occupied_mean = float(occupied.mean())
        return trace

    def _run(
        self,
        rng: np.random.Generator,
        X: np.ndarray,  # noqa: N803
        freq: np.ndarray,
        rate: np.ndarray,
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The chains, one per row of ``freq`` (people per cell) and ``rate`` (observed rates).

        Returns the draws of ``n0`` (chains, samples) and each chain's mean number of classes in
        use.
        """
        C, K, J = freq.shape[0], self.K, X.shape[1]  # noqa: N806 (the paper's names)
        # Start as LCMCR does (every class at the lists' observed capture rates, weights from a
        # uniform stick-breaking draw), with the rates perturbed per chain so that R-hat can see
        # chains that have not mixed.
        jitter = np.exp(rng.normal(0.0, self.init_spread, size=(C, J, K)))
        lam1 = np.clip(rate[:, :, None] * jitter, 1e-3, 1 - 1e-3)
        log_lam0 = np.log1p(-lam1)
        v = rng.beta(1.0, 1.0, size=(C, K - 1))
        log_nu = _stick_log_weights(np.log(v), np.log1p(-v))
        sweep = _Sweep(self, rng, X, freq, C, K)
        state = _State(
            log_odds=np.log(lam1) - log_lam0,
            log_zero=log_nu + log_lam0.sum(axis=1),
            alpha=np.full(C, 0.3 / K),
            n0=np.zeros(C, dtype=np.int64),
        )
        trace = np.empty((C, self.samples), dtype=np.int64)
        total = WARMUP + self.burnin + self.samples * self.thinning
        kept = 0
        occupied = np.zeros(C, dtype=np.int64)
        for done in range(1, total + 1):
            sweep(state, update_alpha=done > WARMUP)
            past = done - WARMUP - self.burnin
            if past > 0 and past % self.thinning == 0:
                trace[:, kept] = state.n0
                occupied += (state.in_class > 0).sum(axis=1)
                kept += 1
            if done % CALLBACK_EVERY == 0 or done == total:
                if cancelled is not None and cancelled():
                    raise EstimationCancelled("the estimate was cancelled")
                if progress is not None:
                    progress(done, total)
        return trace, occupied / max(kept, 1)

    @classmethod
    def fit_many(
        cls,
        tables: list[CaptureTable],
        *,
        seed: int | None = 1234,
        conf_level: float = 0.95,
        **options: Any,
    ) -> list[LatentResult]:
        """Fit several tables with the same number of lists in one run of the sampler.

        For benchmarks over many simulated tables: the chains of all the tables advance together,
        so the sampler's per-call costs (most of a sweep on tables of 4 or 5 lists) are shared.
        Each table's chains are independent of the others' and see only its own counts (the
        cells are the union of the tables' non-empty cells; a table's other cells hold nobody),
        so each result is a draw from the same posterior as ``LatentClassModel(table).fit()``,
        from another random stream.
        """
        if not tables:
            return []
        if len({t.k_lists for t in tables}) != 1:
            raise ValueError("fit_many needs tables with the same number of lists")
        models = [cls(t, **options) for t in tables]
        first = models[0]
        J = tables[0].k_lists  # noqa: N806
        present = np.flatnonzero(np.any([t.cell_counts > 0 for t in tables], axis=0))
        X = _patterns(present, J)  # noqa: N806
        freq, rate = [], []
        for t in tables:
            f = t.cell_counts[present].astype(np.int64)
            r = np.clip((X * f[:, None]).sum(axis=0) / int(f.sum()), 1e-3, 1 - 1e-3)
            freq.extend([f] * first.chains)
            rate.extend([r] * first.chains)
        trace, occupied = first._run(np.random.default_rng(seed), X, np.array(freq), np.array(rate))
        results = []
        for i, model in enumerate(models):
            rows = slice(i * first.chains, (i + 1) * first.chains)
            model._occupied_mean = float(occupied[rows].mean())
            results.append(model._result(trace[rows], seed=seed, conf_level=conf_level))
        return results

    # ------------------------------------------------------------------ the summary
    def _result(self, n0: np.ndarray, *, seed: int | None, conf_level: float) -> LatentResult:
        table = self.table
        n = table.n_observed
        total = n0.astype(np.float64) + n
        half = (1.0 - conf_level) / 2.0
        low, median, high = np.quantile(total, [half, 0.5, 1.0 - half])
        rhat = split_rhat(total)
        ess = effective_sample_size(total)
        result = LatentResult(
            method="latent",
            options={
                "K": self.K, "a_alpha": self.a_alpha, "b_alpha": self.b_alpha,
                "burnin": self.burnin, "samples": self.samples, "thinning": self.thinning,
                "chains": self.chains, "seed": seed,
            },
            lists=table.lists,
            n_observed=n,
            estimate=float(median),
            dark_figure=float(median) - n,
            conf_level=conf_level,
            ci_low=float(low),
            ci_high=float(high),
            mean=float(total.mean()),
            sd=float(total.std(ddof=1)),
            rhat=rhat,
            ess=ess,
            occupied_classes=getattr(self, "_occupied_mean", math.nan),
            chain_medians=tuple(float(np.median(c)) for c in total),
            warnings=(),
            chao=chao_lower_bound(table),
            draws=total,
            non_overlapping_pairs=table.non_overlapping_pairs(),
        )
        object.__setattr__(result, "warnings", tuple(_notes(result)))
        return result


@dataclass
class _State:
    """The sampler's state per chain, between sweeps.

    ``log_odds`` is ``log lambda - log(1 - lambda)`` per chain, list and class (C, J, K) and
    ``log_zero`` the log-probability of being in a class and on no list (C, K), so that every
    cell's log-probability in every class is one matrix product plus ``log_zero``.
    """

    log_odds: np.ndarray
    log_zero: np.ndarray
    alpha: np.ndarray
    n0: np.ndarray
    in_class: np.ndarray | None = None


class _Sweep:
    """One Gibbs sweep for every chain at once, in the order of LCMCR's ``Update``.

    The sweep needs three calls of the random generator, however many chains, cells and classes:
    numpy's generators check their arguments on every call, which on small arrays costs more
    than the draws, so the calls are what make the time.

    1. **One multinomial** gives the classes of the people of every observed cell *and* of the
       unseen people (the empty cell, of size ``n0``): given the class weights and capture
       probabilities, the two allocations are independent, so drawing the unseen people's
       classes at the start of the next sweep, together with the seen people's, samples the
       same conditional as LCMCR's step 5 at the end of this one (only the concentration
       ``alpha`` is drawn in between, and neither allocation depends on it).
    2. **One Gamma call** gives every Gamma variate of the sweep: the two Gammas of each
       capture probability's Beta(1 + seen, 1 + not seen), the two of each stick-breaking
       fraction's Beta(1 + n_k, alpha + n_{>k}) (the second as ``G(a + 1) U^(1/a)`` with
       ``log U = -Exp(1)``, exact for tiny ``a``), the Gamma(a_alpha + K - 1) of the
       concentration, and the Gamma(n) of the unseen count's Poisson-Gamma mixture; a Gamma
       variate of a fixed shape scaled afterwards by a rate drawn earlier in the sweep is the
       same Gamma(shape, rate) draw.
    3. **One Poisson call**: ``n0 ~ NegBin(n, 1 - pi0)`` as ``Poisson(Gamma(n) pi0 / (1 - pi0))``
       (the data augmentation with the prior ``p(N) ~ 1/N``), redrawn, as LCMCR does, while
       ``n0 > 20 n`` (rare: those redraws make calls of their own).
    """

    def __init__(
        self,
        model: LatentClassModel,
        rng: np.random.Generator,
        X: np.ndarray,  # noqa: N803
        freq: np.ndarray,
        C: int,  # noqa: N803
        K: int,  # noqa: N803
    ) -> None:
        J = X.shape[1]  # noqa: N806
        freq = np.broadcast_to(freq, (C, X.shape[0]))  # people per cell, per chain
        self.rng = rng
        self.K = K
        self.n = freq.sum(axis=1)  # the people seen, per chain
        self.b_alpha = model.b_alpha
        self.limit = MAX_UNSEEN_RATIO * self.n
        self.limit_min = int(self.limit.min())
        # The cells, and last the empty cell of the unseen (no list: a row of zeros).
        self.X = np.vstack([X, np.zeros((1, J))])
        self.XT = np.ascontiguousarray(self.X.T)
        self.people = np.empty((C, X.shape[0] + 1), dtype=np.int64)
        self.people[:, :-1] = freq
        jk = J * K
        self.at = np.cumsum([0, jk, jk, K - 1, K - 1, K - 1, 1, 1])
        self.shapes = np.empty((C, int(self.at[-1])))
        self.shapes[:, self.at[4] : self.at[5]] = 1.0  # Exp(1) = -log U
        self.shapes[:, self.at[5]] = model.a_alpha + K - 1.0
        self.shapes[:, self.at[6]] = self.n
        self.dims = (C, J, K)
        # Views into the shapes, so the counts land in place (no concatenation per sweep).
        self.seen = self.shapes[:, : self.at[1]].reshape(C, J, K)
        self.unseen = self.shapes[:, self.at[1] : self.at[2]].reshape(C, J, K)
        self.in_k = self.shapes[:, self.at[2] : self.at[3]]
        self.after_k = self.shapes[:, self.at[3] : self.at[4]]
        assert np.shares_memory(self.seen, self.shapes) and np.shares_memory(self.unseen, self.shapes)
        self.log_nu = np.empty((C, K))

    def __call__(self, state: _State, *, update_alpha: bool) -> None:
        """Update ``state`` in place."""
        rng, at, shapes = self.rng, self.at, self.shapes
        C, J, K = self.dims  # noqa: N806
        # 1. People of each cell, the unseen last, to classes: (C, cells + 1, K).
        logp = self.X @ state.log_odds
        logp += state.log_zero[:, None, :]
        logp -= logp.max(axis=2, keepdims=True)
        p = np.exp(logp, out=logp)
        p /= p.sum(axis=2, keepdims=True)
        self.people[:, -1] = state.n0
        z = rng.multinomial(self.people, p)
        # 2. Every Gamma of the sweep; the shapes go straight into their places.
        in_class = z.sum(axis=1)  # (C, K), seen and unseen
        state.in_class = in_class
        np.matmul(self.XT, z, out=self.seen)  # (C, J, K); the empty cell adds nothing
        np.subtract(in_class[:, None, :], self.seen, out=self.unseen)
        # the people in the classes after k (n + n0 in all)
        remaining = np.cumsum(in_class[:, :0:-1], axis=1)[:, ::-1]
        small = remaining + state.alpha[:, None]
        self.in_k[...] = in_class[:, :-1]
        self.after_k[...] = small
        shapes[:, : at[4]] += 1.0
        g = rng.standard_gamma(shapes)
        log_g = np.log(g[:, : at[4]])
        log_g1 = log_g[:, : at[1]].reshape(C, J, K)
        log_g0 = log_g[:, at[1] : at[2]].reshape(C, J, K)
        state.log_odds = log_g1 - log_g0
        log_lam0 = log_g0 - np.logaddexp(log_g1, log_g0)
        # 3. Stick-breaking weights.
        la = log_g[:, at[2] : at[3]]
        lb = log_g[:, at[3] : at[4]] - g[:, at[4] : at[5]] / small
        lsum = np.logaddexp(la, lb)
        log_nu = self.log_nu
        np.subtract(la, lsum, out=log_nu[:, :-1])
        log_nu[:, -1] = 0.0
        log_nu[:, 1:] += np.cumsum(lb - lsum, axis=1)
        # 4. The unseen count, by data augmentation.
        log_zero = log_lam0.sum(axis=1)
        log_zero += log_nu
        state.log_zero = log_zero
        prob_zero = np.minimum(np.exp(log_zero).sum(axis=1), 1.0 - 1e-16)
        odds = prob_zero / (1.0 - prob_zero)
        n0 = rng.poisson(g[:, at[6]] * odds)
        if n0.max() > self.limit_min:
            n0 = self._redraw(n0, odds)
        state.n0 = n0
        # 5. (The unseen to classes: with the next sweep's multinomial.)
        # 6. The concentration.
        if update_alpha:
            state.alpha = g[:, at[5]] / (self.b_alpha - log_nu[:, -1])

    def _redraw(self, n0: np.ndarray, odds: np.ndarray) -> np.ndarray:
        """LCMCR's rule: redraw the unseen count while it exceeds 20 times the observed."""
        rng, limit = self.rng, self.limit
        for _ in range(1000):
            over = n0 > limit
            if not over.any():
                break
            n0[over] = rng.poisson(rng.standard_gamma(self.n[over].astype(np.float64)) * odds[over])
        return np.minimum(n0, limit)


def _notes(result: LatentResult) -> list[Note]:
    notes: list[Note] = []
    ess_min = ESS_MIN
    if not (math.isfinite(result.rhat) and result.rhat <= RHAT_LIMIT) or not (
        math.isfinite(result.ess) and result.ess >= ess_min
    ):
        notes.append(
            Note(
                "latent_not_converged",
                f"The chains of the latent-class sampler disagree or move slowly (R-hat "
                f"{result.rhat:.3f}, effective sample size {result.ess:,.0f}; wanted at most "
                f"{RHAT_LIMIT} and at least {ess_min}): the interval ends are rough; run longer "
                "(tipnet estimate --method latent --burnin 50000 --samples 5000) before publishing.",
                {"rhat": _num(result.rhat), "ess": _num(result.ess), "rhat_limit": RHAT_LIMIT,
                 "ess_min": ess_min},
            )
        )
    top = MAX_UNSEEN_RATIO * result.n_observed
    if result.ci_high >= 0.99 * (top + result.n_observed):
        notes.append(
            Note(
                "latent_at_cap",
                "The posterior reaches the sampler's cap of 20 times the observed number unseen: "
                "the data hardly limit the population size from above.",
                {"cap": top},
            )
        )
    if result.dark_figure > 4.0 * result.n_observed:
        notes.append(
            Note(
                "large_dark_figure",
                "The estimated number not on any list is more than 4 times the number observed; "
                "the estimate is an extrapolation driven by the model.",
                {"ratio": result.dark_figure / max(result.n_observed, 1)},
            )
        )
    return notes


# ---------------------------------------------------------------------- numerical helpers
def _patterns(present: np.ndarray, k_lists: int) -> np.ndarray:
    """The 0/1 capture pattern of each cell (cells x lists) from the cells' indices in ``cell_counts``."""
    return (((present + 1)[:, None] >> np.arange(k_lists)) & 1).astype(np.float64)


def _stick_log_weights(log_v: np.ndarray, log_1mv: np.ndarray) -> np.ndarray:
    """Class weights from the stick-breaking fractions, on the log scale: (..., K-1) -> (..., K)."""
    before = np.concatenate(
        [np.zeros(log_v.shape[:-1] + (1,)), np.cumsum(log_1mv, axis=-1)], axis=-1
    )
    return before + np.concatenate([log_v, np.zeros(log_v.shape[:-1] + (1,))], axis=-1)


def split_rhat(draws: np.ndarray) -> float:
    """Split R-hat of draws shaped ``(chains, samples)`` (Gelman et al. 2013, BDA3 Sec. 11.4).

    Every chain is cut in half, so a chain that drifts counts as two that disagree.
    """
    draws = np.asarray(draws, dtype=np.float64)
    half = draws.shape[1] // 2
    if half < 2:
        return math.nan
    parts = np.concatenate([draws[:, :half], draws[:, -half:]], axis=0)
    m, s = parts.shape
    within = parts.var(axis=1, ddof=1).mean()
    between = s * parts.mean(axis=1).var(ddof=1)
    if within <= 0:
        return 1.0 if between <= 0 else math.inf
    var_plus = (s - 1) / s * within + between / s
    return float(math.sqrt(var_plus / within))


def effective_sample_size(draws: np.ndarray) -> float:
    """Effective sample size over chains, draws shaped ``(chains, samples)``.

    The multi-chain estimate of Stan (Vehtari et al. 2021, eq. 10-11; Geyer 1992's initial
    monotone sequence): autocorrelations from the within-chain FFT, combined with the between-chain
    variance, summed over pairs of lags while the pair sums stay positive.
    """
    draws = np.asarray(draws, dtype=np.float64)
    m, s = draws.shape
    if s < 4:
        return math.nan
    centred = draws - draws.mean(axis=1, keepdims=True)
    size = 1 << (2 * s - 1).bit_length()
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :s] / s
    within = (acov[:, 0] * s / (s - 1)).mean()
    var_plus = within * (s - 1) / s
    if m > 1:
        var_plus += draws.mean(axis=1).var(ddof=1)
    if var_plus <= 0:
        return float(m * s)
    rho = 1.0 - (within - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    tau = -1.0
    previous = math.inf
    for t in range(0, s - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair <= 0:
            break
        pair = min(pair, previous)  # the initial monotone sequence
        previous = pair
        tau += 2.0 * pair
    return float(m * s / max(tau, 1.0 / math.log10(max(m * s, 10))))
