"""Whole competitions: formats as data, tables and their tie-breakers, and simulation of what is left to play."""
