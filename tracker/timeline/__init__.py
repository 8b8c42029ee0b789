"""One timeline per action: everything that happened to it, in date order, with who and when."""
