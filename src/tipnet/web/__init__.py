"""The Django project: one app per capability. Views are thin; writes go through services.py."""
