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
for all chains). The estimate is the posterior median of ``N = n + n0``; the interval is the
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
        C, K, J = self.chains, self.K, table.k_lists  # noqa: N806 (the paper's names)
        counts = table.cell_counts
        present = np.flatnonzero(counts > 0)
        freq = counts[present].astype(np.int64)
        masks = present + 1
        X = ((masks[:, None] >> np.arange(J)) & 1).astype(np.float64)  # noqa: N806 (cells x lists)
        n = int(freq.sum())
        rng = np.random.default_rng(seed)
        self._rng = rng
        self._n = n
        self._alpha_shape = self.a_alpha + K - 1.0

        # Start as LCMCR does (every class at the lists' observed capture rates, weights from a
        # uniform stick-breaking draw), with the rates perturbed per chain so that R-hat can see
        # chains that have not mixed.
        rate = np.clip((X * freq[:, None]).sum(axis=0) / n, 1e-3, 1 - 1e-3)
        jitter = np.exp(rng.normal(0.0, self.init_spread, size=(C, J, K)))
        lam1 = np.clip(rate[None, :, None] * jitter, 1e-3, 1 - 1e-3)
        log_lam1, log_lam0 = np.log(lam1), np.log1p(-lam1)
        v = rng.beta(1.0, 1.0, size=(C, K - 1))
        log_nu = _stick_log_weights(np.log(v), np.log1p(-v))
        alpha = np.full(C, 0.3 / K)
        count0 = np.zeros((C, K), dtype=np.int64)
        n0 = np.zeros(C, dtype=np.int64)
        trace = np.empty((C, self.samples), dtype=np.int64)
        total = WARMUP + self.burnin + self.samples * self.thinning
        kept = 0
        occupied = 0
        state = [log_lam1, log_lam0, log_nu, alpha, count0, n0]
        for sweep in range(total):
            state = self._sweep(X, freq, *state, update_alpha=sweep >= WARMUP)
            past = sweep + 1 - WARMUP - self.burnin
            if past > 0 and past % self.thinning == 0:
                trace[:, kept] = state[5]
                occupied += self._occupied_now.sum()
                kept += 1
            if (sweep + 1) % CALLBACK_EVERY == 0 or sweep + 1 == total:
                if cancelled is not None and cancelled():
                    raise EstimationCancelled("the estimate was cancelled")
                if progress is not None:
                    progress(sweep + 1, total)
        self._occupied_mean = float(occupied) / max(kept * C, 1)
        return trace

    def _sweep(
        self,
        X: np.ndarray,  # noqa: N803
        freq: np.ndarray,
        log_lam1: np.ndarray,
        log_lam0: np.ndarray,
        log_nu: np.ndarray,
        alpha: np.ndarray,
        count0: np.ndarray,
        n0: np.ndarray,
        *,
        update_alpha: bool,
    ) -> list[Any]:
        """One Gibbs sweep for every chain at once (the order of LCMCR's ``Update``)."""
        rng = self._rng
        C, K = log_nu.shape  # noqa: N806
        # 1. People of each observed cell to classes: (C, cells, K).
        logp = log_nu[:, None, :] + X @ log_lam1 + (1.0 - X) @ log_lam0
        p = np.exp(logp - logp.max(axis=2, keepdims=True))
        p /= p.sum(axis=2, keepdims=True)
        z = rng.multinomial(np.broadcast_to(freq, p.shape[:2]), p)
        # 2. Capture probabilities: Beta(1 + seen, 1 + not seen) per list and class.
        in_class = z.sum(axis=1) + count0  # (C, K), seen and unseen
        seen = X.T @ z  # (C, J, K)
        self._occupied_now = (in_class > 0).sum(axis=1)
        g1 = rng.standard_gamma(1.0 + seen)
        g0 = rng.standard_gamma(1.0 + (in_class[:, None, :] - seen))
        log_sum = np.log(g1 + g0)
        log_lam1 = np.log(g1) - log_sum
        log_lam0 = np.log(g0) - log_sum
        # 3. Stick-breaking weights.
        remaining = (self._n + n0)[:, None] - np.cumsum(in_class, axis=1)[:, :-1]
        la = _log_gamma(rng, 1.0 + in_class[:, :-1])
        lb = _log_gamma(rng, alpha[:, None] + remaining)
        lsum = np.logaddexp(la, lb)
        log_nu = _stick_log_weights(la - lsum, lb - lsum)
        # 4. The unseen count, by data augmentation.
        log_zero = log_nu + log_lam0.sum(axis=1)  # (C, K)
        prob_zero = np.exp(log_zero).sum(axis=1)
        n0 = self._draw_unseen(np.clip(1.0 - prob_zero, 1e-300, 1.0))
        # 5. The unseen to classes.
        w = np.exp(log_zero - log_zero.max(axis=1, keepdims=True))
        count0 = rng.multinomial(n0, w / w.sum(axis=1, keepdims=True))
        # 6. The concentration.
        if update_alpha:
            alpha = rng.gamma(self._alpha_shape, 1.0 / (self.b_alpha - log_nu[:, -1]))
        return [log_lam1, log_lam0, log_nu, alpha, count0, n0]

    def _draw_unseen(self, p_seen: np.ndarray) -> np.ndarray:
        rng = self._rng
        limit = MAX_UNSEEN_RATIO * self._n
        # NegBin(n, p) as a Poisson-Gamma mixture: two cheap vectorised calls.
        odds = (1.0 - p_seen) / p_seen
        n0 = rng.poisson(rng.standard_gamma(np.full(p_seen.shape, float(self._n))) * odds)
        for _ in range(1000):
            over = n0 > limit
            if not over.any():
                break
            n0[over] = rng.poisson(rng.standard_gamma(np.full(int(over.sum()), float(self._n))) * odds[over])
        return np.minimum(n0, limit)

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
def _log_gamma(rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """log of Gamma(shape, 1) draws, accurate for tiny shapes too (``G(a) = G(a + 1) U^(1/a)``)."""
    shape = np.asarray(shape, dtype=np.float64)
    return np.log(rng.standard_gamma(shape + 1.0)) + np.log(rng.random(shape.shape)) / shape


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
