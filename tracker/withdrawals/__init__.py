"""Withdrawing a mistake: an update or an evidence file taken off the current pages, with a reason."""
