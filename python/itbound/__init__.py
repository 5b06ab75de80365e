"""itbound: generalization bounds and risk certificates from saved ML runs.

Every command of the `itbound` command line is a function here with the same parameters as keyword
arguments (dashes become underscores); see `itbound.commands()` and each function's help. The solvers
take NumPy arrays directly. Bad input raises ValueError (itbound.InvalidArgument) with the CLI's message.
All of it lives in the C++ extension _itbound; this file only re-exports it.
"""
from ._itbound import *  # noqa: F401,F403
from ._itbound import __version__  # noqa: F401
