"""Upstream projects' own gradient tests, ported to gradkit's drop-ins.

Each module names the upstream file, the tests and the version it follows.
The cases (inputs and assertions) are upstream's; the code is written anew.
Where upstream checks a numpy/torch quirk that gradkit deliberately refuses
(documented in docs/compat.md), the port asserts gradkit's refusal instead and
says so in a comment; nothing is marked xfail.
"""
