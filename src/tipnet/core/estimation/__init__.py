"""Multiple systems estimation (MSE): how many victims has no list seen?

A port of SparseMSE (Chan, Silverman & Vincent 2021, JASA 116(535):1297-1306) with the
alternatives of modslavmse (forward AIC; Silverman 2014) and MultipleSystemsEstimation (BIC over
hierarchical models; Silverman, Chan & Vincent 2024, Stat. Comput. 34:44). Plain Python, numpy
and scipy: no Django, no web layer.

Typical use::

    from tipnet.core.estimation import MSEModel, read_table

    table = read_table("capture_table.csv")          # one 0/1 column per list + count
    result = MSEModel(table, method="stepwise").fit(nboot=1000, seed=1)
    print(result.summary())
    result.to_dict()                                 # JSON-ready

See ``docs/estimation.md`` for the assumptions and how to read the intervals and warnings.
"""

from .bootstrap import BootstrapResult, EstimationCancelled
from .estimable import NotEstimable, check_estimable
from .existence import check_model, describe_code
from .model import METHODS, MSEModel, estimate
from .results import EstimationWarning, MSEResult, Note, SparseDataWarning
from .simulate import Simulation, simulate_table
from .table import CaptureTable, TableError, read_records, read_table

__all__ = [
    "METHODS",
    "BootstrapResult",
    "CaptureTable",
    "EstimationCancelled",
    "EstimationWarning",
    "MSEModel",
    "MSEResult",
    "NotEstimable",
    "Note",
    "Simulation",
    "SparseDataWarning",
    "TableError",
    "check_estimable",
    "check_model",
    "describe_code",
    "estimate",
    "read_records",
    "read_table",
    "simulate_table",
]
