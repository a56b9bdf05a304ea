"""The composition root: settings, the FastAPI app, scheduler wiring and the ``guanjia`` CLI.

The only package that may import every other one; it reads configuration and hands ready-made
services (engine, unit-of-work factory, clock) to the layers below.
"""
