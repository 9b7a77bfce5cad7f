"""The public shell: the neutral home page in nine languages, quick exit, error pages.

A departure from DESIGN.md's app list: the pages every visitor sees first belong to no single
capability, so they live here rather than in ``directory`` or ``report``.
"""
