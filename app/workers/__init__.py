"""Threads live here and nowhere else: a job runner and thin jobs that call sources, store and services."""
