"""Benchmarks of autodiff against hand-written NumPy and peer autodiff engines.

Run ``python -m benchmarks.run`` (see ``benchmarks/README.md``).
"""
