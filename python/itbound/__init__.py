"""itbound: generalization bounds and risk certificates from saved ML runs.

Every command of the `itbound` command line is a function here with the same parameters as keyword
arguments (dashes become underscores); see `itbound.commands()` and each function's help. Each returns a
Result (python/itbound/_result.py): fields as attributes, arrays as NumPy arrays, bounds as Certificates that
state what they guarantee. The solvers take NumPy arrays directly. Bad input raises ValueError
(itbound.InvalidArgument) with the CLI's message. The computing lives in the C++ extension _itbound.
"""
from ._itbound import *  # noqa: F401,F403
from ._itbound import __version__  # noqa: F401
from ._result import Certificate, Record, Result  # noqa: F401
