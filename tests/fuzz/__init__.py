"""Hypothesis fuzz of every public gradkit function and both drop-ins (issue 10, item 9).

What is fuzzed
--------------
``gradkit.gradient``, ``gradkit.derivative``, ``gradkit.explain``,
``gradkit.weights``, ``gradkit.compat.numpy_gradient`` and
``gradkit.compat.torch_gradient``, on random shapes (0-d and 0-size
included), every dtype (bool, signed/unsigned integers, float16, bfloat16,
float32, float64, longdouble, complex, object, str, bytes, datetime64,
timedelta64, structured), NumPy arrays, masked arrays, strided, reversed,
transposed, broadcast, Fortran-ordered and read-only views, torch tensors,
JAX arrays and nested lists, every spacing form (scalars, 0-d arrays, complex
steps, coordinate lists/arrays/tensors of every dtype; NaN, inf, zero, huge,
tiny, subnormal, repeated, nearly repeated, wrong-length and 2-D
coordinates) and junk dims/axes, orders, accuracies, edge orders, boundaries
and periods.

The only allowed outcomes
-------------------------
* a correct result: the same type, dtype and values as ``numpy.gradient`` /
  ``torch.gradient`` where those give a valid answer (closeness in
  ``test_*_close``, bit-identity in ``test_*_exact``), and otherwise the value
  of an exact-rational reference (:mod:`tests.fuzz.oracles`: Fornberg's
  recurrence in :class:`fractions.Fraction` on the stencil the documented
  width rules choose), to rounding;
* a ``ValueError``, ``TypeError`` or ``IndexError`` (numpy's subclasses such as
  ``AxisError`` included) whose message is gradkit's own (it starts with the
  function's name, e.g. ``"gradient: ..."``).

Everything else is reported: any other exception type, an internal error
(``tuple index out of range``, a TypeError raised by NumPy deep inside), a
warning escaping (every call runs with warnings as errors), an empty message,
a wrong value, dtype, type, shape or mask, an input modified in place, a
result that shares memory with the input. A drop-in must not refuse an input
the original handles correctly (unless docs/compat.md lists the refusal).

How to run
----------
Normal mode (part of ``make test``; a fixed, derandomized set of examples)::

    PYTHONPATH=src python -m pytest -q tests/fuzz

Environment variables:

``GRADKIT_FUZZ_EXAMPLES``
    Examples per test (default 100; some tests draw 1.5x or 2x that). Setting it
    at all switches to long mode: randomized (``derandomize`` off), so each
    run explores new inputs. Deep run::

        GRADKIT_FUZZ_EXAMPLES=100000 PYTHONPATH=src python -m pytest -q -x tests/fuzz

``GRADKIT_FUZZ_COLLECT=path.jsonl``
    Collect mode: instead of failing at the first disallowed outcome, append
    every one (with its reproducer) to ``path.jsonl`` and go on; then
    ``python -m tests.fuzz.summarize path.jsonl`` prints them grouped and
    deduplicated, the shortest reproducer of each first.

``GRADKIT_FUZZ_SEED``
    A fixed seed (``hypothesis.seed``) instead of the derandomized default or
    a random one, to repeat a long run or to vary the normal-mode examples.

Hypothesis settings: ``deadline=None``, no example database, the
``too_slow``/``data_too_large``/``filter_too_much`` health checks suppressed.
"""
