"""Number formats that differ from Django's locale data (FORMAT_MODULE_PATH in settings).

Django falls back to its own module for every name not set here.
"""
