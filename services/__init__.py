"""Domain rules, free of any web or task framework."""
