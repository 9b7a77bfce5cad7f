"""tipnet: a platform for a national network against trafficking in persons."""
__version__ = "0.1.0"
