"""Estimates of the effectiveness of support."""
