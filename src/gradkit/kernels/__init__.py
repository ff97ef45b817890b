"""Kernels apply a stencil plan along one axis; :mod:`.dispatch` picks one."""
